package io.srrrs.s3ec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.srrrs.cli.LocalStack;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.materials.AesKeyring;

/**
 * The real S3EC 4.0.1 and the real pipeline on the local keystore KMS (AES/GCM-wrapped DEKs), on
 * Ceph RGW when installed (it enforces SSE-C), else S3Proxy: S3EC reads the pipeline's
 * {@code s3ec-v3} objects (small, several chunks, a 64 MiB multipart upload, SSE-C) through
 * {@link SrrrsKeyring}; the CLI reads, inspects and rewraps them and reads what S3EC writes; both
 * refuse every tampered copy.
 */
class LocalKmsInteropIT {

    static final String KEK = LocalStack.KEK;
    static InteropStack stack;
    static Kms kms;

    @BeforeAll
    static void start() throws Exception {
        stack = InteropStack.start("s3ec-local-", InteropStack.rgwIfInstalled(), Map.of());
        kms = stack.stack.topology().kms().kms(); // one keystore per process: the topology's own
        ((LocalKeystoreKms) stack.stack.topology().kms().provider()).createKek("other");
        Files.writeString(stack.dir.resolve("srrrs.properties"), "\nsrrrs.kek.allowed=" + KEK + ",other\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static S3EncryptionClient s3ec(String kek) throws Exception {
        return S3ecClients.builder(stack.store()).keyring(SrrrsKeyring.forKek(kms, kek)).build();
    }

    static byte[] get(S3EncryptionClient client, String key) {
        return client.getObjectAsBytes(b -> b.bucket(InteropStack.BUCKET).key(key)).asByteArray();
    }

    /** {@code srrrs get} of {@code key} into a file; its bytes, or null when it failed. */
    static byte[] cliGet(String key, String... more) throws Exception {
        Path out = stack.dir.getParent().resolve("out-" + key.replace('/', '_') + System.nanoTime());
        String[] args = concat(new String[] {"get", InteropStack.BUCKET + "/" + key, "-o", out.toString(), "--dir",
                stack.dir.toString()}, more);
        InteropStack.Run r = InteropStack.cli(args);
        return r.code() == 0 ? Files.readAllBytes(out) : null;
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void s3ecReadsThePipelinesSmallAndMultiChunkObjectsAndTheCliReadsAndInspectsThem() throws Exception {
        Path small = stack.file("small.bin", 10_000);
        Path multi = stack.file("multi.bin", (2 << 20) + 17); // several 768 KiB chunks
        stack.publish(small, "v3/small.bin", "s3ec-v3");
        stack.publish(multi, "v3/multi.bin", "s3ec-v3");
        assertThat(stack.metadata("v3/small.bin")).containsEntry("x-amz-c", "115").containsEntry("x-amz-w", "02")
                .containsEntry("srrrs-format", "s3ec-v3").containsKeys("x-amz-3", "x-amz-i", "x-amz-d");
        LocalKeystoreKms keystore = (LocalKeystoreKms) stack.stack.topology().kms().provider();
        try (S3EncryptionClient s3ec = s3ec(KEK);
             S3EncryptionClient raw = S3ecClients.builder(stack.store())
                     .keyring(AesKeyring.builder().wrappingKey(keystore.exportS3ecKek(KEK)).build()).build()) {
            assertThat(get(s3ec, "v3/small.bin")).isEqualTo(Files.readAllBytes(small));
            assertThat(get(s3ec, "v3/multi.bin")).isEqualTo(Files.readAllBytes(multi));
            assertThat(get(raw, "v3/multi.bin")).as("S3EC's own raw AES keyring, with the exported KEK")
                    .isEqualTo(Files.readAllBytes(multi));
        }
        assertThat(cliGet("v3/multi.bin")).isEqualTo(Files.readAllBytes(multi));
        InteropStack.Run inspect = InteropStack.cli("inspect", InteropStack.BUCKET + "/v3/small.bin", "--dir",
                stack.dir.toString());
        assertThat(inspect.out()).contains("format           s3ec-v3").contains("DEK wrapping     AES/GCM")
                .contains("plaintext bytes  10000");
        InteropStack.Run range = InteropStack.cli("get", InteropStack.BUCKET + "/v3/small.bin", "--range", "0-9",
                "--dir", stack.dir.toString());
        assertThat(range.code()).isEqualTo(1);
        assertThat(range.err()).contains("read it whole");
    }

    @Test
    void s3ecReadsA64MibMultipartObjectWithDelayedAuthenticationAndSoDoesTheClient() throws Exception {
        Path big = stack.file("big.bin", (64 << 20) + 100);
        stack.publish(big, "v3/big.bin", "s3ec-v3");
        byte[] expected = sha256(Files.newInputStream(big));
        assertThat(stack.admin.headObject(b -> b.bucket(InteropStack.BUCKET).key("v3/big.bin")).eTag())
                .as("written as a multipart upload").contains("-");
        try (S3EncryptionClient s3ec = S3ecClients.builder(stack.store()).keyring(SrrrsKeyring.forKek(kms, KEK))
                .enableDelayedAuthenticationMode(true).build()) {
            InputStream in = s3ec.getObject(b -> b.bucket(InteropStack.BUCKET).key("v3/big.bin"),
                    ResponseTransformer.toInputStream());
            assertThat(sha256(in)).isEqualTo(expected);
        }
        byte[] back = cliGet("v3/big.bin");
        assertThat(back).isNotNull();
        assertThat(MessageDigest.getInstance("SHA-256").digest(back)).isEqualTo(expected);
    }

    static byte[] sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    @Test
    void s3ecReadsAnSseCObjectWithTheKeyTheHelperDerives() throws Exception {
        assumeTrue(stack.stack.store().endpoint().getScheme().equals("https")
                && InteropStack.rgwIfInstalled() == LocalStack.StoreKind.RGW, "SSE-C is enforced by Ceph RGW only");
        Path file = stack.file("ssec.bin", 50_000);
        stack.publish(file, "v3/ssec.bin", "s3ec-v3", "--sse-c");
        S3ecSseCKeys keys = new S3ecSseCKeys(stack.admin, kms, KekAllowList.parse(KEK, ""));
        GetObjectRequest plain = GetObjectRequest.builder().bucket(InteropStack.BUCKET).key("v3/ssec.bin").build();
        try (S3EncryptionClient s3ec = s3ec(KEK)) {
            assertThatThrownBy(() -> s3ec.getObjectAsBytes(plain)).as("the store refuses it without its key");
            assertThat(s3ec.getObject(keys.withSseC(plain), ResponseTransformer.toBytes()).asByteArray())
                    .isEqualTo(Files.readAllBytes(file));
        }
        assertThat(cliGet("v3/ssec.bin")).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void theCliReadsWhatS3ecWritesUnderTheForeignKekItIsTold() throws Exception {
        byte[] plaintext = Files.readAllBytes(stack.file("from-s3ec.bin", 70_000));
        try (S3EncryptionClient s3ec = s3ec(KEK)) {
            s3ec.putObject(b -> b.bucket(InteropStack.BUCKET).key("s3ec/a.bin"), RequestBody.fromBytes(plaintext));
        }
        assertThat(stack.metadata("s3ec/a.bin")).doesNotContainKey("srrrs-kek-id").containsEntry("x-amz-w", "02");
        assertThat(cliGet("s3ec/a.bin")).as("names no KEK: refused without --s3ec-kek").isNull();
        assertThat(cliGet("s3ec/a.bin", "--s3ec-kek", KEK)).isEqualTo(plaintext);
    }

    @Test
    void aRewrappedObjectStaysReadableByS3ecUnderTheNewKek() throws Exception {
        Path file = stack.file("rewrap.bin", 30_000);
        stack.publish(file, "v3/rewrap.bin", "s3ec-v3");
        Map<String, String> before = stack.metadata("v3/rewrap.bin");
        InteropStack.Run r = InteropStack.cli("rewrap", InteropStack.BUCKET + "/v3/rewrap.bin", "--to", "other", "--dir",
                stack.dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        Map<String, String> after = stack.metadata("v3/rewrap.bin");
        assertThat(after.get("x-amz-3")).isNotEqualTo(before.get("x-amz-3"));
        assertThat(after).containsEntry("srrrs-kek-id", "other").containsEntry("x-amz-i", before.get("x-amz-i"))
                .containsEntry("x-amz-d", before.get("x-amz-d"));
        try (S3EncryptionClient underOther = s3ec("other"); S3EncryptionClient underOld = s3ec(KEK)) {
            assertThat(get(underOther, "v3/rewrap.bin")).isEqualTo(Files.readAllBytes(file));
            assertThatThrownBy(() -> get(underOld, "v3/rewrap.bin")).as("the old KEK no longer opens it");
        }
    }

    @Test
    void s3ecAndTheClientBothRefuseEveryTamperedCopy() throws Exception {
        stack.publish(stack.file("t1.bin", 5_000), "v3/t1.bin", "s3ec-v3");
        byte[] body = stack.body("v3/t1.bin");
        Map<String, String> metadata = stack.metadata("v3/t1.bin");
        byte[] flipped = body.clone();
        flipped[100] ^= 1;
        assertBothRefuse("tampered/flip", flipped, metadata);
        assertBothRefuse("tampered/cut-tag", Arrays.copyOf(body, body.length - 16), metadata);
        // Another DEK under the same KEK (not t2's: the topology's DEK cache may have given both
        // objects one DEK, which V3's per-object key makes safe): its commitment fails.
        Map<String, String> swapped = new HashMap<>(metadata);
        swapped.put("x-amz-3", otherDekUnderTheSameKek());
        assertBothRefuse("tampered/swap", body, swapped);
        for (String field : new String[] {"x-amz-i", "x-amz-d"}) {
            Map<String, String> changed = new HashMap<>(metadata);
            changed.put(field, flipFirstByte(changed.get(field)));
            assertBothRefuse("tampered/" + field, body, changed);
        }
    }

    /** A fresh DEK's wrapped copy from the provider itself, past the topology's DEK cache. */
    static String otherDekUnderTheSameKek() throws Exception {
        Kms provider = stack.stack.topology().kms().provider();
        try (DataKeyPair dek = provider.generateDataKey(provider.resolve(KEK), EncryptionContext.of(Map.of()),
                DekWrapping.S3EC_V3)) {
            return Base64.getEncoder().encodeToString(dek.wrapped().blob());
        }
    }

    static String flipFirstByte(String b64) {
        byte[] bytes = Base64.getDecoder().decode(b64);
        bytes[0] ^= 1;
        return Base64.getEncoder().encodeToString(bytes);
    }

    static void assertBothRefuse(String key, byte[] body, Map<String, String> metadata) throws Exception {
        stack.put(key, body, metadata);
        try (S3EncryptionClient s3ec = s3ec(KEK)) {
            assertThatThrownBy(() -> get(s3ec, key)).as("S3EC on " + key).isInstanceOf(RuntimeException.class);
        }
        assertThat(cliGet(key)).as("srrrs get on " + key).isNull();
    }
}
