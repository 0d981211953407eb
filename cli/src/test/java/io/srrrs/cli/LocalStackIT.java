package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The CLI as a user drives it: {@code up} starts the real stack in a background JVM (S3Proxy as
 * the store), then the daily commands run against it, then {@code down}. Also shows that every
 * listener of the stack refuses a TLS 1.2-only client.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    static Path dir;
    static Path work;

    @BeforeAll
    static void up() throws Exception {
        Path base = Files.createDirectories(Path.of("target").toAbsolutePath());
        dir = Files.createTempDirectory(base, "stack-");
        work = Files.createDirectories(LocalStack.filesDir(dir).resolve("mine"));
        CliHelpTest.Run r = CliHelpTest.run("up", "--dir", dir.toString(), "--store", "s3proxy");
        assertThat(r.code()).as(r.err() + r.out() + StackCommands.tail(dir.resolve(StackCommands.LOG), 40)).isZero();
        assertThat(r.out()).contains("kafka").contains("registry").contains("store").contains("connect");
    }

    @AfterAll
    static void down() {
        if (dir != null) {
            CliHelpTest.Run r = CliHelpTest.run("down", "--dir", dir.toString());
            assertThat(r.code()).isZero();
            assertThat(StackCommands.runningStack(dir)).isEmpty();
            assertThat(CliHelpTest.run("status", "--dir", dir.toString()).code()).isEqualTo(3);
        }
    }

    @Test
    @Order(1)
    void everyListenerSpeaksTls13AndRefusesTls12() {
        Map<String, String> state = StackCommands.readState(dir);
        int probed = 0;
        for (String name : new String[] {"kafka", "registry", "store", "connect"}) {
            String endpoint = state.get("endpoint." + name);
            assertThat(endpoint).as(name).isNotNull();
            InetSocketAddress a = TlsProbe.address(endpoint).orElseThrow();
            TlsProbe.Result v13 = TlsProbe.handshake(a.getHostString(), a.getPort(), "TLSv1.3");
            TlsProbe.Result v12 = TlsProbe.handshake(a.getHostString(), a.getPort(), "TLSv1.2");
            assertThat(v13.accepted()).as(name + " TLS 1.3: " + v13.detail()).isTrue();
            assertThat(v13.protocol()).isEqualTo("TLSv1.3");
            assertThat(v12.accepted()).as(name + " TLS 1.2: " + v12.detail()).isFalse();
            assertThat(v12.detail()).as(name).startsWith("refused");
            probed++;
        }
        assertThat(probed).isEqualTo(4);
    }

    @Test
    @Order(2)
    void statusAndDoctorReportAHealthyStack() {
        CliHelpTest.Run status = CliHelpTest.run("status", "--dir", dir.toString());
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("local stack: ready").contains("TLS 1.3 ok, TLS 1.2 refused")
                .contains("connector srrrs-s3-sink: RUNNING");
        CliHelpTest.Run doctor = CliHelpTest.run("doctor", "--dir", dir.toString());
        assertThat(doctor.code()).as(doctor.out()).isZero();
        assertThat(doctor.out()).contains("OK    kms").contains("OK    kafka topics")
                // S3Proxy answers SSE-C with 501: doctor must say SSE-C is refused here.
                .contains("WARN  store SSE-C").contains("501");
    }

    @Test
    @Order(3)
    void publishLsGetInspectRewrapAndShred() throws Exception {
        byte[] big = new byte[3 * 65_536 + 17];
        new SecureRandom().nextBytes(big);
        Files.write(work.resolve("big.bin"), big);
        Files.createDirectories(work.resolve("sub"));
        Files.writeString(work.resolve("sub/note.txt"), "a small note");
        String d = dir.toString();

        // The CLI reads only objects under allowed KEKs (default: srrrs.kek.default); this tour uses two more.
        Files.writeString(dir.resolve("srrrs.properties"), "\nsrrrs.kek.allowed=local-default,tour,other\n",
                java.nio.file.StandardOpenOption.APPEND);
        CliHelpTest.Run keys = CliHelpTest.run("keys", "create", "tour", "--dir", d);
        assertThat(keys.code()).as(keys.err()).isZero();
        assertThat(CliHelpTest.run("keys", "create", "other", "--dir", d).code()).isZero();
        CliHelpTest.Run publish = CliHelpTest.run("publish", work.toString(), "--prefix", "tour/", "--kek", "tour",
                "--context", "tenant=acme", "--dir", d);
        assertThat(publish.code()).as(publish.out() + publish.err()).isZero();
        assertThat(publish.out()).contains("stored   s3://srrrs-demo/tour/big.bin").contains("stored   s3://srrrs-demo/tour/sub/note.txt");

        CliHelpTest.Run ls = CliHelpTest.run("ls", "srrrs-demo/tour/", "--dir", d);
        assertThat(ls.out()).contains("tour/big.bin").contains("tour/sub/note.txt");

        Path out = work.resolve("back.bin");
        assertThat(CliHelpTest.run("get", "srrrs-demo/tour/big.bin", "-o", out.toString(), "--dir", d).code()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(big);
        Path range = work.resolve("range.bin");
        assertThat(CliHelpTest.run("get", "s3://srrrs-demo/tour/big.bin", "--range", "65500-65600", "-o", range.toString(),
                "--dir", d).code()).isZero();
        assertThat(Files.readAllBytes(range)).isEqualTo(java.util.Arrays.copyOfRange(big, 65_500, 65_601));

        CliHelpTest.Run inspect = CliHelpTest.run("inspect", "srrrs-demo/tour/big.bin", "--dir", d);
        assertThat(inspect.out()).contains("KEK              tour").contains("plaintext bytes  " + big.length)
                .contains("{tenant=acme}");
        assertThat(inspect.out()).doesNotContain(new String(big, StandardCharsets.ISO_8859_1).substring(0, 16));

        CliHelpTest.Run rewrap = CliHelpTest.run("rewrap", "srrrs-demo/tour/", "--prefix", "--to", "other", "--dir", d);
        assertThat(rewrap.code()).as(rewrap.out()).isZero();
        assertThat(rewrap.out()).contains("rewrapped s3://srrrs-demo/tour/big.bin -> other");
        assertThat(CliHelpTest.run("inspect", "srrrs-demo/tour/big.bin", "--dir", d).out()).contains("KEK              other");

        // Crypto-shredding: with its KEK disabled an object no longer decrypts, and says why,
        // while objects under other KEKs still read.
        Path keep = Files.createDirectories(work.getParent().resolve("keep"));
        Files.writeString(keep.resolve("keep.txt"), "under tour");
        assertThat(CliHelpTest.run("publish", keep.toString(), "--prefix", "keep/", "--kek", "tour", "--dir", d).code()).isZero();
        assertThat(CliHelpTest.run("keys", "disable", "other", "--dir", d).code()).isZero();
        CliHelpTest.Run kept = CliHelpTest.run("get", "srrrs-demo/keep/keep.txt", "--dir", d);
        assertThat(kept.code()).isZero();
        assertThat(kept.out()).isEqualTo("under tour");
        Files.deleteIfExists(out);
        CliHelpTest.Run shredded = CliHelpTest.run("get", "srrrs-demo/tour/big.bin", "-o", out.toString(), "--dir", d);
        assertThat(shredded.code()).isEqualTo(1);
        assertThat(shredded.err()).contains("KeyDisabledException").contains("other");
        assertThat(out).doesNotExist();
        assertThat(CliHelpTest.run("keys", "enable", "other", "--dir", d).code()).isZero();
        assertThat(CliHelpTest.run("get", "srrrs-demo/tour/big.bin", "-o", out.toString(), "--dir", d).code()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(big);

        // destroy cannot be undone, so it asks for --yes; afterwards the object is gone for good
        assertThat(CliHelpTest.run("keys", "destroy", "other", "--dir", d).err()).contains("--yes");
        assertThat(CliHelpTest.run("keys", "destroy", "other", "--yes", "--dir", d).code()).isZero();
        CliHelpTest.Run destroyed = CliHelpTest.run("get", "srrrs-demo/tour/big.bin", "-o", out.toString(), "--dir", d);
        assertThat(destroyed.code()).isEqualTo(1);
        assertThat(destroyed.err()).contains("UnknownKeyException").contains("other");
        assertThat(CliHelpTest.run("get", "srrrs-demo/keep/keep.txt", "--dir", d).out()).isEqualTo("under tour");
    }

    @Test
    @Order(4)
    void aReferenceTheTopologyRefusesIsReportedWithItsReason() throws Exception {
        Path outside = Files.createTempFile("srrrs-outside-", ".txt");
        try {
            Files.writeString(outside, "not under any allowed root");
            CliHelpTest.Run publish = CliHelpTest.run("publish", outside.toString(), "--dir", dir.toString(), "--timeout", "60");
            assertThat(publish.code()).isEqualTo(1);
            assertThat(publish.out()).contains("REFUSED").contains("PATH_NOT_ALLOWED");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    @Order(5)
    void watchAndATextReferenceShowWhatTheTopologyCommits() {
        String d = dir.toString();
        CliHelpTest.Run text = CliHelpTest.run("publish", "--text", "a note in the reference", "--key", "watch/note.txt",
                "--id", "watch-note-1", "--dir", d);
        assertThat(text.code()).as(text.out() + text.err()).isZero();
        assertThat(text.out()).contains("stored   s3://srrrs-demo/watch/note.txt");
        assertThat(CliHelpTest.run("get", "srrrs-demo/watch/note.txt", "--dir", d).out()).isEqualTo("a note in the reference");
        CliHelpTest.Run watch = CliHelpTest.run("watch", "--seconds", "8", "--dir", d);
        assertThat(watch.code()).isZero();
        assertThat(watch.out()).contains("chunk  watch-note-1  s3://srrrs-demo/watch/note.txt  #0")
                .containsPattern("chunk  watch-note-1  \\S+  #\\d+ last")
                .containsPattern("DLQ    \\S+  \\S+/PATH_NOT_ALLOWED")
                .doesNotContain("a note in the reference");
    }
}
