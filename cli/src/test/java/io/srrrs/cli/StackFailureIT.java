package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A part that cannot start: `up` names it and why, and leaves nothing running — neither the
 * stack's JVM nor the parts it had started (broker, registry JVM).
 */
class StackFailureIT {

    @Test
    void aStoreThatIsNotThereStopsTheStackAndIsNamed() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "failing-");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // free again once closed: nothing answers there
        }
        CliHelpTest.Run r = CliHelpTest.run("up", "--dir", dir.toString(), "--store", "external", "--store-url",
                "https://127.0.0.1:" + closedPort, "--store-access-key", "a", "--store-secret-key", "b");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bucket srrrs-demo did not start").contains("127.0.0.1:" + closedPort)
                .contains("the parts already started were stopped").contains(dir.resolve("stack.log").toString());
        assertThat(StackCommands.readState(dir)).containsEntry("state", "failed");
        assertThat(StackCommands.runningStack(dir)).isEmpty();
        // nothing that was started for this directory is still alive (the registry is a child JVM)
        long deadline = System.currentTimeMillis() + 30_000;
        List<ProcessHandle> left;
        do {
            left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().arguments().map(a -> Arrays.stream(a).anyMatch(x -> x.contains(dir.toString())))
                            .orElse(false))
                    .toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        assertThat(left).as("processes still running for " + dir).isEmpty();
    }
}
