package io.srrrs.embedded;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.pki.LocalCa;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker selector: the container broker exists only in builds with the docker profile. */
class KafkaBrokerSelectionTest {

    @AfterEach
    void reset() {
        System.clearProperty(KafkaBroker.SELECTOR);
    }

    @Test
    void askingForTheContainerBrokerWithoutTheDockerProfileSaysWhatToRun(@TempDir Path dir) throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        System.setProperty(KafkaBroker.SELECTOR, "testcontainers");
        assertThatThrownBy(() -> KafkaBroker.forTests(dir.resolve("kafka"), ca)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mvn -Pdocker verify");
        System.setProperty(KafkaBroker.SELECTOR, "kubernetes");
        assertThatThrownBy(() -> KafkaBroker.forTests(dir.resolve("kafka"), ca)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedded or testcontainers");
    }
}
