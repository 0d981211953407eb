package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.sink.S3SinkConfig;
import io.srrrs.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The root README's configuration reference is the one the code generates, and its tour names real commands. */
class RootReadmeTest {

    static String readme() throws Exception {
        return Files.readString(Path.of(System.getProperty("srrrs.root", "..")).resolve("README.md"));
    }

    @Test
    void theConfigurationTablesAreTheGeneratedOnes() throws Exception {
        assertThat(readme()).contains(TopologyConfig.markdown().strip()).contains(S3SinkConfig.markdown().strip())
                .contains(CliConfig.markdown().strip());
    }

    @Test
    void theTwoCommandsComeFirstAndEveryTourCommandExists() throws Exception {
        String readme = readme();
        int commands = readme.indexOf("## The two commands");
        assertThat(commands).isPositive();
        assertThat(readme.indexOf("bin/srrrs demo")).isGreaterThan(commands).isLessThan(readme.indexOf("## ", commands + 5));
        assertThat(readme.indexOf("bin/test")).isGreaterThan(commands).isLessThan(readme.indexOf("## ", commands + 5));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^bin/srrrs (\\w+)").matcher(readme);
        int found = 0;
        while (m.find()) {
            assertThat(CliHelpTest.SUBCOMMANDS).as(m.group()).contains(m.group(1));
            found++;
        }
        assertThat(found).isGreaterThan(10);
    }
}
