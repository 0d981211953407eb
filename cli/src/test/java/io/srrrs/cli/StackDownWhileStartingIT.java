package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9: {@code srrrs down} while {@code srrrs up} is still starting must stop every part
 * started so far, and say "stopped" only once they are gone. {@code up} runs as bin/srrrs runs it
 * (its own JVM, which starts the stack's JVM in the background); {@code down} is called the moment
 * a given part appears in {@code /proc}, and right after it returns nothing of that stack may be
 * left: no Ceph daemon naming its configuration, no Connect worker, no registry, no stack JVM
 * (which runs the broker and the topology). At most 3 minutes in all (the timeouts add up to 180 s;
 * about one minute on an idle machine); loopback only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackDownWhileStartingIT {

    private static final Duration APPEAR_WITHIN = Duration.ofSeconds(50);

    @Test
    @Order(1)
    @Timeout(value = 25, unit = TimeUnit.SECONDS)
    void rightAfterTheStacksJvmStarts() throws Exception {
        downWhenAppears("stack-jvm", "the stack's JVM", cmd -> cmd.contains("up --foreground"));
    }

    @Test
    @Order(2)
    @Timeout(value = 75, unit = TimeUnit.SECONDS)
    void whileTheCephDaemonsStart() throws Exception {
        assumeTrue(StackCommands.rgwInstalled(), "Ceph RGW is not installed (bin/install-test-deps)");
        downWhenAppears("ceph-mon", "ceph-mon", cmd -> cmd.startsWith("ceph-mon ") && cmd.contains("/rgw/ceph.conf -i a"));
    }

    @Test
    @Order(3)
    @Timeout(value = 80, unit = TimeUnit.SECONDS)
    void whileTheConnectWorkerStarts() throws Exception {
        downWhenAppears("connect", "the Connect worker", cmd -> cmd.contains("ConnectDistributed"));
    }

    /** Starts `up`, calls `down` as soon as a process of the stack matching {@code part} runs, checks /proc. */
    private static void downWhenAppears(String name, String what, Predicate<String> part) throws Exception {
        Path base = Files.createDirectories(Path.of("target").toAbsolutePath());
        Path dir = Files.createTempDirectory(base, "down-" + name + "-");
        Path upLog = dir.resolveSibling(dir.getFileName() + "-up.log");
        Process up = startUp(dir, upLog);
        try {
            long deadline = System.nanoTime() + APPEAR_WITHIN.toNanos();
            while (stackProcesses(dir).stream().noneMatch(part) && System.nanoTime() < deadline) {
                assertThat(up.isAlive()).as("up ended before " + what + " appeared: " + Files.readString(upLog)).isTrue();
                Thread.sleep(20);
            }
            if (stackProcesses(dir).stream().noneMatch(part)) {
                // A machine too loaded to get there in time: down at the step reached, which must hold all the same.
                System.err.println(what + " did not appear within " + APPEAR_WITHIN.toSeconds() + " s; down at step "
                        + StackCommands.readState(dir).get("step") + " instead");
            }
            assertThat(StackCommands.readState(dir).get("state")).as("still starting when down runs")
                    .isNotEqualTo("ready");

            CliHelpTest.Run down = CliHelpTest.run("down", "--dir", dir.toString());

            // Right after down returns, not a moment later: it must not say "stopped" before they are gone.
            List<String> left = stackProcesses(dir).stream().filter(cmd -> !isUpItself(cmd)).toList();
            assertThat(down.code()).as(down.out() + down.err()).isZero();
            assertThat(down.out() + down.err()).contains("local stack stopped");
            assertThat(left).as("left running after down at '" + what + "'").isEmpty();
            assertThat(StackCommands.runningStack(dir)).isEmpty();

            // And `up` itself gives up, saying why, instead of waiting for a stack that no longer comes.
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("up still waiting after down").isTrue();
            assertThat(up.exitValue()).isEqualTo(1);
            assertThat(Files.readString(upLog)).contains("stopped while starting");
            assertThat(stackProcesses(dir)).as("left running after up ended").isEmpty();
            assertThat(dir.resolve("rgw")).doesNotExist(); // bin/ceph-rgw stop ran for the cluster, if any
        } finally {
            up.destroyForcibly();
            killEverythingOf(dir); // a failed run must not leave daemons behind for the next test
        }
    }

    /** `srrrs up` in its own JVM, as bin/srrrs starts it, with the properties bin/srrrs sets. */
    private static Process startUp(Path dir, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String p : List.of("srrrs.connect.plugins", "srrrs.root", "srrrs.ceph.script")) {
            command.add("-D" + p + "=" + System.getProperty(p));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SrrrsCommand.class.getName(), "up", "--dir",
                dir.toString(), "--store", StackCommands.rgwInstalled() ? "rgw" : "s3proxy"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    }

    private static boolean isUpItself(String cmdline) {
        return cmdline.contains(" up --dir ");
    }

    /** The command lines of every process (but this JVM) with an argument that is {@code dir} or lies under it. */
    static List<String> stackProcesses(Path dir) {
        return ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                .map(p -> cmdline(p.pid()))
                .filter(cmd -> names(cmd, dir)).toList();
    }

    private static boolean names(String cmdline, Path dir) {
        return Arrays.stream(cmdline.split(" ")).anyMatch(a -> a.equals(dir.toString()) || a.contains(dir + "/"));
    }

    /** {@code /proc/<pid>/cmdline}, NULs as spaces; empty once the process is gone. */
    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
        } catch (IOException gone) {
            return "";
        }
    }

    private static void killEverythingOf(Path dir) {
        List<ProcessHandle> left = ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> names(cmdline(p.pid()), dir)).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : left) {
            p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join();
        }
    }
}
