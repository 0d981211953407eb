package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.nio.file.Path;

/**
 * Where a {@link KafkaBroker} is, as a test on this machine sees it.
 *
 * @param port   its SSL listener's port on 127.0.0.1
 * @param logDir where its log segments lie on this machine (the bytes Kafka stored)
 * @param ca     the CA whose certificate it serves (its clients trust it)
 */
public record BrokerEndpoint(int port, Path logDir, LocalCa ca) {
}
