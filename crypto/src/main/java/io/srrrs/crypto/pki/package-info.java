/**
 * The local stack's certificate authority and the TLS contexts every client and server of ours
 * uses outside Kafka's own configuration: TLS 1.3 only, in both directions.
 */
package io.srrrs.crypto.pki;
