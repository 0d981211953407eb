package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** topology/README.md documents every configuration key and DLQ reason the code has. */
class ReadmeConfigTest {

    static String readme() throws Exception {
        return Files.readString(Path.of(System.getProperty("user.dir"), "README.md"));
    }

    @Test
    void theConfigurationTableIsTheGeneratedOne() throws Exception {
        assertThat(readme()).as("regenerate it with bin/encryptor config").contains(TopologyConfig.markdown());
    }

    @Test
    void everyDlqReasonIsDocumented() throws Exception {
        String readme = readme();
        for (RejectReason r : RejectReason.values()) {
            assertThat(readme).contains("| `" + r.name() + "` | " + r.stage().name() + " | " + r.meaning() + " |");
        }
    }
}
