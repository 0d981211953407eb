package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of our single-node KRaft broker (broker and controller in one, node 1, TLS 1.3
 * only on both listeners, internal topics of one replica, no automatic topics), the one place
 * they are written: {@link EmbeddedKafka} (and so {@link KafkaProcess}'s child) uses them as they
 * are, the container broker turns them into the image's {@code KAFKA_*} environment. Paths and
 * addresses are as the broker itself sees them.
 *
 * @param sslListener           {@code host:port} the SSL listener binds
 * @param advertisedSslListener {@code host:port} clients are told to use
 * @param controllerListener    {@code host:port} of the controller listener (and the one voter)
 * @param keystore              the broker's PKCS12 key store (see {@link #identity})
 * @param truststore            the PKCS12 trust store holding our CA
 * @param logDirs               where the broker keeps its logs and its metadata log
 */
public record KraftBrokerSettings(String sslListener, String advertisedSslListener, String controllerListener,
                                  String keystore, String truststore, String logDirs) {

    /** The listener name the controller quorum uses; also what the log directory is formatted with. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Issues (or reloads) the broker's certificate, {@code CN=kafka} for localhost and 127.0.0.1. */
    public static LocalCa.ServerIdentity identity(LocalCa ca) throws IOException, GeneralSecurityException {
        return ca.server("kafka", List.of("localhost", "127.0.0.1"));
    }

    /** The broker's properties; {@code keyPassword} opens {@link #keystore}. */
    public Map<String, String> properties(char[] keyPassword) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + controllerListener);
        p.put("listeners", "SSL://" + sslListener + "," + CONTROLLER_LISTENER + "://" + controllerListener);
        p.put("advertised.listeners", "SSL://" + advertisedSslListener);
        p.put("listener.security.protocol.map", "SSL:SSL," + CONTROLLER_LISTENER + ":SSL");
        p.put("inter.broker.listener.name", "SSL");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.putAll(TlsSettings.keystore("", keystore, keyPassword));
        p.putAll(TlsSettings.truststore("", truststore));
        p.putAll(TlsSettings.tls13Only(""));
        p.put("log.dirs", logDirs);
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        return p;
    }
}
