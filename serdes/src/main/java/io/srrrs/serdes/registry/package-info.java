/**
 * A small client for the Confluent Schema Registry REST API (Confluent, Apicurio's ccompat,
 * Karapace, Redpanda): register and look up schemas, with its configuration (URL, basic auth,
 * TLS 1.3 trust) and its errors, an outage ({@link io.srrrs.serdes.registry.RegistryException#isTransient()})
 * told apart from a schema that is missing or incompatible.
 *
 * <p>May use the JDK's HTTP client, Jackson, Avro's {@code Schema}, kafka-clients' {@code Password}
 * (for secrets in its configuration) and {@code crypto}'s TLS helpers
 * ({@code io.srrrs.crypto.pki.Tls}); nothing else of the pipeline.
 */
package io.srrrs.serdes.registry;
