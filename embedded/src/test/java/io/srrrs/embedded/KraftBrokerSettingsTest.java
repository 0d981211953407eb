package io.srrrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place our KRaft broker's settings are written, as every broker here uses them. */
class KraftBrokerSettingsTest {

    private final Map<String, String> p = new KraftBrokerSettings("0.0.0.0:9093", "127.0.0.1:40000", "localhost:9094",
            "/certs/kafka.p12", "/certs/truststore.p12", "/data").properties("secret".toCharArray());

    @Test
    void oneNodeIsBrokerAndControllerWithItselfAsTheOnlyVoter() {
        assertThat(p).containsEntry("process.roles", "broker,controller").containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@localhost:9094")
                .containsEntry("listeners", "SSL://0.0.0.0:9093,CONTROLLER://localhost:9094")
                .containsEntry("advertised.listeners", "SSL://127.0.0.1:40000")
                .containsEntry("controller.listener.names", KraftBrokerSettings.CONTROLLER_LISTENER)
                .containsEntry("log.dirs", "/data");
    }

    @Test
    void bothListenersSpeakTls13OnlyWithOurStores() {
        assertThat(p).containsEntry("listener.security.protocol.map", "SSL:SSL,CONTROLLER:SSL")
                .containsEntry("ssl.enabled.protocols", "TLSv1.3").containsEntry("ssl.protocol", "TLSv1.3")
                .containsEntry("ssl.keystore.location", "/certs/kafka.p12").containsEntry("ssl.keystore.password", "secret")
                .containsEntry("ssl.key.password", "secret").containsEntry("ssl.keystore.type", "PKCS12")
                .containsEntry("ssl.truststore.location", "/certs/truststore.p12")
                .containsEntry("ssl.truststore.type", "PKCS12");
    }

    @Test
    void internalTopicsHaveOneReplicaAndNoTopicIsCreatedByUse() {
        assertThat(p).containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("auto.create.topics.enable", "false");
    }

    @Test
    void theBuildsKafkaVersionIsKnownAtRunTime() {
        assertThat(BuildProperties.kafkaVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
