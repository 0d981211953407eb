package io.srrrs.s3ec.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.srrrs.cli.LocalStack;
import io.srrrs.s3ec.InteropStack;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.MotoKms;
import io.srrrs.s3ec.SrrrsKeyring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.materials.KmsKeyring;

/**
 * The real S3EC 3.3.5 and the real pipeline on AWS KMS (moto_server over HTTPS; kms+context
 * DEKs), on S3Proxy: S3EC 3.x's own KmsKeyring (key id, and the context when there is one) and
 * {@link SrrrsKeyring} read the pipeline's {@code s3ec-v2} objects; the CLI reads what S3EC 3.x's
 * KmsKeyring writes; a changed {@code x-amz-matdesc} is refused by both.
 */
class AwsKmsV2IT {

    static MotoKms moto;
    static InteropStack stack;
    static KmsClient kmsClient;
    static String keyArn;
    static Kms kms;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(MotoKms.executable().isPresent(), "moto_server is not installed; skipping the aws-kms interop suite");
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "moto-");
        LocalCa motoCa = LocalCa.createOrLoad(dir.resolve("moto-ca"));
        moto = MotoKms.start(dir.resolve("moto"), motoCa);
        kmsClient = KmsClient.builder().region(Region.EU_WEST_1).endpointOverride(moto.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> S3ecClients.trust(motoCa.truststore(),
                        LocalCa.TRUSTSTORE_PASSWORD)).build()).build();
        keyArn = kmsClient.createKey(b -> b.description("interop")).keyMetadata().arn();
        kmsClient.createAlias(b -> b.aliasName("alias/srrrs-default").targetKeyId(keyArn));
        Map<String, String> config = new HashMap<>();
        config.put("kms.type", "aws-kms");
        config.put("kms.aws-kms.endpoint", moto.endpoint().toString());
        config.put("kms.aws-kms.region", "eu-west-1");
        config.put("kms.aws-kms.access.key.id", "testing");
        config.put("kms.aws-kms.secret.access.key", "testing");
        config.put("kms.aws-kms.truststore.location", motoCa.truststore().toString());
        config.put("srrrs.kek.default", "alias/srrrs-default");
        config.put("srrrs.kek.allowed", "alias/srrrs-default," + keyArn);
        stack = InteropStack.start("s3ec-v2-aws-", LocalStack.StoreKind.S3PROXY, config);
        kms = stack.stack.topology().kms().kms();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (kmsClient != null) {
            kmsClient.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    static S3EncryptionClient kmsKeyring() {
        return S3ecClients.builder(stack.store()).keyring(KmsKeyring.builder().kmsClient(kmsClient).wrappingKeyId(keyArn)
                .build()).build();
    }

    static byte[] get(S3EncryptionClient client, String key, Map<String, String> context) {
        return client.getObjectAsBytes(b -> b.bucket(InteropStack.BUCKET).key(key)
                .overrideConfiguration(S3EncryptionClient.withAdditionalConfiguration(context))).asByteArray();
    }

    @Test
    void s3ecsKmsKeyringAndTheSrrrsKeyringReadThePipelinesObjects() throws Exception {
        Path file = stack.file("aws.bin", 40_000);
        stack.publish(file, "aws/a.bin", "s3ec-v2");
        assertThat(stack.metadata("aws/a.bin")).containsEntry("x-amz-wrap-alg", "kms+context")
                .containsEntry("x-amz-matdesc", "{\"aws:x-amz-cek-alg\":\"AES/GCM/NoPadding\"}");
        try (S3EncryptionClient s3ec = kmsKeyring();
             S3EncryptionClient ours = S3ecClients.builder(stack.store())
                     .keyring(SrrrsKeyring.forKek(kms, "alias/srrrs-default")).build()) {
            assertThat(get(s3ec, "aws/a.bin", Map.of())).isEqualTo(Files.readAllBytes(file));
            assertThat(get(ours, "aws/a.bin", Map.of())).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void anObjectWithAContextOpensInS3ecOnlyWithThatContext() throws Exception {
        Path file = stack.file("ctx.bin", 3_000);
        stack.publish(file, "aws/ctx.bin", "s3ec-v2", "--context", "tenant=acme");
        try (S3EncryptionClient s3ec = kmsKeyring()) {
            assertThat(get(s3ec, "aws/ctx.bin", Map.of("tenant", "acme"))).isEqualTo(Files.readAllBytes(file));
            assertThatThrownBy(() -> get(s3ec, "aws/ctx.bin", Map.of("tenant", "other")));
        }
    }

    @Test
    void theCliReadsWhatS3ecsKmsKeyringWritesAndBothRefuseAChangedMaterialDescription() throws Exception {
        byte[] plaintext = Files.readAllBytes(stack.file("from-s3ec.bin", 20_000));
        try (S3EncryptionClient s3ec = kmsKeyring()) {
            s3ec.putObject(b -> b.bucket(InteropStack.BUCKET).key("s3ec/kms.bin")
                    .overrideConfiguration(S3EncryptionClient.withAdditionalConfiguration(Map.of("tenant", "acme"))),
                    RequestBody.fromBytes(plaintext));
        }
        Path out = stack.dir.getParent().resolve("kms.out");
        InteropStack.Run r = InteropStack.cli("get", InteropStack.BUCKET + "/s3ec/kms.bin", "-o", out.toString(),
                "--s3ec-kek", "alias/srrrs-default", "--dir", stack.dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(plaintext);

        Map<String, String> changed = new HashMap<>(stack.metadata("s3ec/kms.bin"));
        changed.put("x-amz-matdesc", changed.get("x-amz-matdesc").replace("acme", "evil"));
        stack.put("tampered/ctx.bin", stack.body("s3ec/kms.bin"), changed);
        try (S3EncryptionClient s3ec = kmsKeyring()) {
            assertThatThrownBy(() -> get(s3ec, "tampered/ctx.bin", Map.of("tenant", "evil")));
        }
        InteropStack.Run refused = InteropStack.cli("get", InteropStack.BUCKET + "/tampered/ctx.bin", "-o",
                out + ".2", "--s3ec-kek", "alias/srrrs-default", "--dir", stack.dir.toString());
        assertThat(refused.code()).isEqualTo(1);
    }
}
