/**
 * The consumer library: {@link io.srrrs.client.SrrrsClient} reads SRRRS objects back (whole,
 * streamed, by range, optionally with their length proven), inspects them, and rewraps their DEKs
 * under another KEK with a conditional server-side copy. Every object's KEK must be on the
 * reader's {@link io.srrrs.crypto.kms.KekAllowList} before any KMS call is made with it.
 */
package io.srrrs.client;
