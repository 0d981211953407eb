package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.embedded.CanaryScan;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliHelpTest {

    static final List<String> SUBCOMMANDS = List.of("up", "down", "status", "demo", "publish", "get", "ls", "inspect",
            "rewrap", "keys", "doctor", "bench", "watch", "sse-c-keypair");

    /** What a run printed; {@code stdout} holds the exact bytes, for {@code get}'s binary plaintext. */
    record Run(int code, String out, String err, byte[] stdout) {
    }

    /** Runs the CLI in this JVM as bin/srrrs would, capturing what it prints. */
    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = SrrrsCommand.commandLine();
            int code = cli.execute(args);
            cli.getOut().flush();
            cli.getErr().flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    out.toByteArray());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            oldOut.print(out.toString(StandardCharsets.UTF_8)); // keep it in the test report
            oldErr.print(err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theTopLevelHelpListsEverySubcommand() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        for (String sub : SUBCOMMANDS) {
            assertThat(r.out()).as(sub).containsPattern("(?m)^\\s+" + sub + "\\b");
        }
    }

    @Test
    void everySubcommandHasHelpThatNamesItsOptions() {
        for (String sub : SUBCOMMANDS) {
            Run r = run(sub, "--help");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out()).as(sub).contains("Usage: srrrs " + sub).contains("-h, --help");
        }
        assertThat(run("publish", "--help").out()).contains("--bucket").contains("--sse-c").contains("--kek").contains("--context");
        assertThat(run("get", "--help").out()).contains("--range").contains("--output").contains("--prove-length");
        assertThat(run("rewrap", "--help").out()).contains("--to").contains("--prefix");
        assertThat(run("up", "--help").out()).contains("--store").contains("--file-root");
        for (String keys : List.of("list", "create", "rotate", "disable", "enable", "destroy")) {
            assertThat(run("keys", keys, "--help").code()).as(keys).isZero();
        }
    }

    @Test
    void aCommandWithoutAStackSaysHowToStartOne(@TempDir Path dir) {
        Run r = run("ls", "--dir", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no configuration at " + dir.resolve("srrrs.properties"))
                .contains("run `srrrs up` first or pass --dir");
    }

    @Test
    void statusOfNoStackExitsThree(@TempDir Path dir) {
        Run r = run("status", "--dir", dir.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("not running");
    }

    @Test
    void badArgumentsAreNamed() {
        Run r = run("get");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter").contains("BUCKET/KEY");
        Run unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument").contains("frobnicate");
    }

    @Test
    void anExternalStoreMustBeHttps(@TempDir Path dir) {
        Run r = run("up", "--dir", dir.toString(), "--store", "external", "--store-url", "http://127.0.0.1:9000",
                "--store-access-key", "a", "--store-secret-key", "b");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--store-url must be https");
        assertThat(Files.exists(dir.resolve(StackCommands.PID))).isFalse();
    }

    @Test
    void theCanaryScanFindsANeedleSplitAcrossBlocks(@TempDir Path dir) throws Exception {
        byte[] needle = "SRRRS-CANARY-abc-".getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[(1 << 20) + 100];
        System.arraycopy(needle, 0, data, (1 << 20) + 10, needle.length); // straddles the first 1 MiB + 17 byte read
        Path f = dir.resolve("f");
        Files.write(f, data);
        List<String> leaks = new java.util.ArrayList<>();
        CanaryScan.scanFile(f, needle, leaks, "t");
        assertThat(leaks).hasSize(1);
        Files.write(f, new byte[3 << 20]);
        leaks.clear();
        assertThat(CanaryScan.scanFile(f, needle, leaks, "t")).isEqualTo(3 << 20);
        assertThat(leaks).isEmpty();
    }
}
