package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code srrrs demo} as a new user runs it: no stack running, so the demo starts one (Ceph RGW as
 * the store where installed, as bin/install-test-deps does in CI), runs every payload through it,
 * and must report every object verified and no leak.
 */
class DemoIT {

    @Test
    void theDemoVerifiesEveryObjectAndFindsNoLeak() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "demo-");
        CliHelpTest.Run r = CliHelpTest.run("demo", "--dir", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("every object verified, no plaintext outside the input: OK")
                .containsPattern("objects verified \\(SHA-256\\)\\s+(\\d+) of \\1")
                .containsPattern("leaks found\\s+0")
                .containsPattern("references refused \\(expected 1\\)\\s+1 \\(PATH_NOT_ALLOWED\\)")
                // the scan must have looked at real bytes, not an empty directory
                .containsPattern("bytes scanned for canaries\\s+[1-9][\\d,]{9,} store \\+ [1-9][\\d,]{9,} Kafka");
        if (StackCommands.rgwInstalled()) {
            assertThat(r.out()).contains("store rgw").containsPattern("of which SSE-C\\s+[1-9]");
        }
        // the demo's own stack is gone
        assertThat(StackCommands.runningStack(dir)).isEmpty();
    }
}
