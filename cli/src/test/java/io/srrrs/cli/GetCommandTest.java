package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code srrrs get} against a real S3 server (S3Proxy) and the local KMS, configured as for a
 * real deployment: where its plaintext goes, which KEKs it accepts, and what --prove-length adds.
 */
class GetCommandTest {

    static final int S = 4096;
    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static S3Client admin;
    static DecoratedKms kms;
    static Path config;

    @BeforeAll
    static void start() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        admin = StoreClients.s3(StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore()));
        admin.createBucket(b -> b.bucket("data"));
        Path keks = dir.resolve("keks.p12");
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(keks, "pw".toCharArray());
        keystore.createKek("orders");
        keystore.createKek("intruder");
        kms = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
        config = dir.resolve("srrrs.properties");
        // No srrrs.kek.allowed: the default allows srrrs.kek.default only.
        Files.writeString(config, String.join("\n", "store.url=" + s3.httpsEndpoint(),
                "aws.access.key.id=" + s3.accessKey(), "aws.secret.access.key=" + s3.secretKey(),
                "s3.ssl.truststore.location=" + ca.truststore(), "kms.type=local", "kms.local.keystore=" + keks,
                "kms.local.password=pw", "srrrs.kek.default=orders", ""));
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        s3.close();
        kms.close();
    }

    static byte[] write(String key, int size, String kek) throws Exception {
        byte[] plaintext = new byte[size];
        new SecureRandom().nextBytes(plaintext);
        ObjectIdentity id = new ObjectIdentity("data", key);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        java.util.Map<String, String> metadata;
        try (DataKeyPair dek = kms.kms().generateDataKey(kms.kms().resolve(kek), CONTEXT);
             ObjectEncryptor enc = ObjectEncryptor.create(dek, id, CONTEXT, S)) {
            metadata = new ObjectMetadata(enc.header(), dek.wrapped(), CONTEXT).toMap();
            try (OutputStream out = enc.encryptingStream(body)) {
                out.write(plaintext);
            }
        }
        put(key, body.toByteArray(), metadata);
        return plaintext;
    }

    static void put(String key, byte[] body, java.util.Map<String, String> metadata) {
        admin.putObject(b -> b.bucket("data").key(key).metadata(metadata), RequestBody.fromBytes(body));
    }

    static CliHelpTest.Run get(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return CliHelpTest.run(all);
    }

    static long leftovers(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(PrivateOutput.SUFFIX)).count();
        }
    }

    @Test
    void theOutputIsOwnerOnlyAndAPlantedSymlinkIsNotFollowed() throws Exception {
        byte[] plaintext = write("get/a.bin", 3 * S + 5, "orders");
        Path out = Files.createDirectories(dir.resolve("out1")).resolve("a.bin");
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "not yours");
        Path planted = out.resolveSibling(".a.bin.srrrs-partial"); // the name the CLI used to write to
        Files.createSymbolicLink(planted, victim);

        CliHelpTest.Run r = get("get", "data/get/a.bin", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(plaintext);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        assertThat(Files.readString(victim)).as("the symlink's target").isEqualTo("not yours");
        assertThat(Files.isSymbolicLink(planted)).isTrue();
        Files.delete(planted);
        assertThat(leftovers(out.getParent())).isZero();
    }

    @Test
    void aRefusedObjectLeavesNoFile() throws Exception {
        write("get/bad.bin", 20 * S, "orders");
        byte[] body = admin.getObjectAsBytes(b -> b.bucket("data").key("get/bad.bin")).asByteArray();
        var metadata = admin.headObject(b -> b.bucket("data").key("get/bad.bin")).metadata();
        body[body.length - 100] ^= 1; // the final segment: refused after most plaintext was written
        put("get/bad.bin", body, metadata);
        Path out = Files.createDirectories(dir.resolve("out2")).resolve("bad.bin");

        CliHelpTest.Run r = get("get", "data/get/bad.bin", "-o", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("TamperedObjectException");
        assertThat(out).doesNotExist();
        assertThat(leftovers(out.getParent())).isZero();
    }

    @Test
    void anObjectUnderAKekNotAllowedIsRefusedBeforeAnyKmsCall() throws Exception {
        write("get/theirs.bin", 100, "intruder");
        Path out = Files.createDirectories(dir.resolve("out3")).resolve("theirs.bin");
        CliHelpTest.Run r = get("get", "data/get/theirs.bin", "-o", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("KekNotAllowedException").contains("intruder")
                .contains("add it to srrrs.kek.allowed in the configuration");
        assertThat(out).doesNotExist();
        assertThat(get("get", "data/get/theirs.bin").code()).isEqualTo(1);
        assertThat(get("inspect", "data/get/theirs.bin").out()).as("inspect shows it without the KMS")
                .contains("KEK              intruder");
    }

    @Test
    void proveLengthRefusesARangeOfACutShortObject() throws Exception {
        write("get/cut.bin", 4 * S + 10, "orders");
        byte[] body = admin.getObjectAsBytes(b -> b.bucket("data").key("get/cut.bin")).asByteArray();
        var metadata = admin.headObject(b -> b.bucket("data").key("get/cut.bin")).metadata();
        put("get/cut.bin", Arrays.copyOf(body, 130 + 4 * (S + 16)), metadata); // final segment gone

        Path out = Files.createDirectories(dir.resolve("out4")).resolve("cut.bin");
        CliHelpTest.Run plain = get("get", "data/get/cut.bin", "--range", "0-99", "-o", out.toString());
        assertThat(plain.code()).as("segment 0 cannot see the cut").isZero();
        assertThat(Files.size(out)).isEqualTo(100);
        Files.delete(out);
        CliHelpTest.Run proven = get("get", "data/get/cut.bin", "--range", "0-99", "--prove-length", "-o", out.toString());
        assertThat(proven.code()).isEqualTo(1);
        assertThat(proven.err()).contains("TamperedObjectException");
        assertThat(out).doesNotExist();
    }

    @Test
    void aTruncationFoundAfterBytesWentToStdoutSaysToDiscardThem() throws Exception {
        byte[] plaintext = write("get/cut-stdout.bin", 20 * S + 10, "orders");
        byte[] body = admin.getObjectAsBytes(b -> b.bucket("data").key("get/cut-stdout.bin")).asByteArray();
        var metadata = admin.headObject(b -> b.bucket("data").key("get/cut-stdout.bin")).metadata();
        put("get/cut-stdout.bin", Arrays.copyOf(body, 130 + 20 * (S + 16)), metadata); // final segment gone

        CliHelpTest.Run r = get("get", "data/get/cut-stdout.bin");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.stdout().length).as("verified segments were released").isPositive();
        assertThat(r.stdout()).isEqualTo(Arrays.copyOf(plaintext, r.stdout().length));
        assertThat(r.err()).contains("srrrs get: FAILED after " + r.stdout().length
                + " bytes were written to stdout: discard them (").contains("TamperedObjectException");
    }

    @Test
    void progressIsDrawnOnlyWhenAskedForAndNeverOnStdout() throws Exception {
        byte[] plaintext = write("get/progress.bin", 8 * S, "orders");
        CliHelpTest.Run quiet = get("get", "data/get/progress.bin");
        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(quiet.stdout()).isEqualTo(plaintext);
        assertThat(quiet.err()).as("not a terminal: the summary only").doesNotContain("\r")
                .contains("wrote " + plaintext.length + " verified bytes to stdout");

        CliHelpTest.Run drawn = get("get", "data/get/progress.bin", "--progress");
        assertThat(drawn.code()).as(drawn.err()).isZero();
        assertThat(drawn.stdout()).isEqualTo(plaintext);
        assertThat(drawn.err()).contains("\rdecrypting [").contains("verified bytes to stdout");
    }
}
