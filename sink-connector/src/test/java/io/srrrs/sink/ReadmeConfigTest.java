package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** sink-connector/README.md documents every configuration key and refusal reason the connector has, as it has them. */
class ReadmeConfigTest {

    @Test
    void theConfigurationTableIsTheGeneratedOne() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir"), "README.md"));
        assertThat(readme).as("paste S3SinkConfig.markdown() into the README").contains(S3SinkConfig.markdown());
    }

    @Test
    void theRefusalReasonTableIsTheGeneratedOne() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir"), "README.md"));
        assertThat(readme).as("paste ChunkRefusedException.markdown() into the README")
                .contains(ChunkRefusedException.markdown());
    }
}
