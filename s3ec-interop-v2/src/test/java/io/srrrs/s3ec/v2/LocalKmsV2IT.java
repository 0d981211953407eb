package io.srrrs.s3ec.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.cli.LocalStack;
import io.srrrs.s3ec.InteropStack;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.s3ec.SrrrsKeyring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.encryption.s3.S3EncryptionClient;

/**
 * The real S3EC 3.3.5 and the real pipeline on the local keystore KMS (AES/GCM-wrapped DEKs), on
 * S3Proxy: S3EC 3.x reads the pipeline's {@code s3ec-v2} objects through {@link SrrrsKeyring}
 * (S3EC 3.x's Keyring is 4.x's), the CLI reads what S3EC 3.x writes, and both refuse a changed
 * body or IV.
 */
class LocalKmsV2IT {

    static final String KEK = LocalStack.KEK;
    static InteropStack stack;
    static Kms kms;

    @BeforeAll
    static void start() throws Exception {
        stack = InteropStack.start("s3ec-v2-local-", LocalStack.StoreKind.S3PROXY, Map.of());
        kms = stack.stack.topology().kms().kms();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static S3EncryptionClient s3ec() throws Exception {
        return S3ecClients.builder(stack.store()).keyring(SrrrsKeyring.forKek(kms, KEK)).build();
    }

    static byte[] get(S3EncryptionClient client, String key) {
        return client.getObjectAsBytes(b -> b.bucket(InteropStack.BUCKET).key(key)).asByteArray();
    }

    static InteropStack.Run cliGet(String key, Path out, String... more) {
        String[] args = {"get", InteropStack.BUCKET + "/" + key, "-o", out.toString(), "--dir", stack.dir.toString()};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return InteropStack.cli(all);
    }

    @Test
    void s3ec3ReadsThePipelinesV2ObjectsAndTheCliInspectsThem() throws Exception {
        Path small = stack.file("small.bin", 10_000);
        Path multi = stack.file("multi.bin", (2 << 20) + 3);
        stack.publish(small, "v2/small.bin", "s3ec-v2");
        stack.publish(multi, "v2/multi.bin", "s3ec-v2");
        assertThat(stack.metadata("v2/small.bin")).containsEntry("x-amz-wrap-alg", "AES/GCM")
                .containsEntry("x-amz-cek-alg", "AES/GCM/NoPadding").containsEntry("x-amz-tag-len", "128")
                .containsKeys("x-amz-key-v2", "x-amz-iv");
        try (S3EncryptionClient s3ec = s3ec()) {
            assertThat(get(s3ec, "v2/small.bin")).isEqualTo(Files.readAllBytes(small));
            assertThat(get(s3ec, "v2/multi.bin")).isEqualTo(Files.readAllBytes(multi));
        }
        InteropStack.Run inspect = InteropStack.cli("inspect", InteropStack.BUCKET + "/v2/small.bin", "--dir",
                stack.dir.toString());
        assertThat(inspect.out()).contains("format           s3ec-v2");
    }

    @Test
    void theCliReadsWhatS3ec3WritesAndBothRefuseAChangedBodyOrIv() throws Exception {
        byte[] plaintext = Files.readAllBytes(stack.file("from-s3ec.bin", 50_000));
        try (S3EncryptionClient s3ec = s3ec()) {
            s3ec.putObject(b -> b.bucket(InteropStack.BUCKET).key("s3ec/a.bin"), RequestBody.fromBytes(plaintext));
        }
        assertThat(stack.metadata("s3ec/a.bin")).containsEntry("x-amz-wrap-alg", "AES/GCM")
                .doesNotContainKey("srrrs-kek-id");
        Path out = stack.dir.getParent().resolve("a.out");
        InteropStack.Run r = cliGet("s3ec/a.bin", out, "--s3ec-kek", KEK);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(plaintext);

        byte[] body = stack.body("s3ec/a.bin");
        Map<String, String> metadata = stack.metadata("s3ec/a.bin");
        byte[] flipped = body.clone();
        flipped[7] ^= 1;
        Map<String, String> iv = new HashMap<>(metadata);
        byte[] ivBytes = Base64.getDecoder().decode(iv.get("x-amz-iv"));
        ivBytes[0] ^= 1;
        iv.put("x-amz-iv", Base64.getEncoder().encodeToString(ivBytes));
        stack.put("tampered/flip", flipped, metadata);
        stack.put("tampered/iv", body, iv);
        try (S3EncryptionClient s3ec = s3ec()) {
            for (String key : new String[] {"tampered/flip", "tampered/iv"}) {
                assertThatThrownBy(() -> get(s3ec, key)).as("S3EC on " + key).isInstanceOf(RuntimeException.class);
                assertThat(cliGet(key, stack.dir.getParent().resolve(key.replace('/', '_')), "--s3ec-kek", KEK).code())
                        .as("srrrs get on " + key).isEqualTo(1);
            }
        }
    }
}
