package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.pkcs11.Pkcs11Kms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.MotoKms;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The whole pipeline with the KMS chosen by configuration: the local stack's topology, the CLI and
 * the client on AWS KMS (moto_server over HTTPS) and on a PKCS#11 token (SoftHSM2), including
 * crypto-shredding by destroying a KEK on the token.
 */
class KmsProvidersIT {

    static Path newDir(String prefix) throws Exception {
        return Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), prefix);
    }

    static LocalStack startStack(Path dir, Map<String, String> kms) throws Exception {
        StackCommands.Up up = new StackCommands.Up();
        up.store = "s3proxy";
        LocalStack.Options defaults = up.options(dir);
        return LocalStack.start(new LocalStack.Options(dir, defaults.store(), null, null, null, defaults.fileRoots(),
                defaults.connectPlugins(), kms), step -> { });
    }

    @Test
    void theTopologyCliAndClientRunOnAwsKms() throws Exception {
        assumeTrue(MotoKms.executable().isPresent(), "moto_server is not installed; skipping the aws-kms pipeline test");
        Path dir = newDir("aws-kms-");
        LocalCa motoCa = LocalCa.createOrLoad(dir.resolve("moto-ca"));
        try (MotoKms moto = MotoKms.start(dir.resolve("moto"), motoCa)) {
            Map<String, String> kms = new HashMap<>();
            kms.put("kms.type", "aws-kms");
            kms.put("kms.aws-kms.endpoint", moto.endpoint().toString());
            kms.put("kms.aws-kms.region", "eu-west-1");
            kms.put("kms.aws-kms.access.key.id", "testing");
            kms.put("kms.aws-kms.secret.access.key", "testing");
            kms.put("kms.aws-kms.truststore.location", motoCa.truststore().toString());
            kms.put("srrrs.kek.default", "alias/srrrs-default");
            kms.put("srrrs.kek.allowed", "alias/srrrs-default,alias/other"); // readers: the source and the rewrap target
            String main;
            String other;
            try (KmsClient admin = KmsClient.builder().region(Region.EU_WEST_1).endpointOverride(moto.endpoint())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                    .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trust(motoCa)).build()).build()) {
                main = admin.createKey(b -> b.description("default")).keyMetadata().arn();
                admin.createAlias(b -> b.aliasName("alias/srrrs-default").targetKeyId(main));
                other = admin.createKey(b -> b.description("other")).keyMetadata().arn();
                admin.createAlias(b -> b.aliasName("alias/other").targetKeyId(other));
            }
            try (LocalStack stack = startStack(dir.resolve("stack"), kms)) {
                String d = dir.resolve("stack").toString();
                Path files = Files.createDirectories(LocalStack.filesDir(dir.resolve("stack")).resolve("aws"));
                byte[] payload = new byte[200_000];
                new SecureRandom().nextBytes(payload);
                Files.write(files.resolve("report.bin"), payload);

                CliHelpTest.Run published = CliHelpTest.run("publish", files.toString(), "--prefix", "aws/", "--dir", d);
                assertThat(published.code()).as(published.out() + published.err()).isZero();
                CliHelpTest.Run refused = CliHelpTest.run("publish", files.toString(), "--prefix", "missing/", "--kek",
                        "alias/no-such-key", "--dir", d, "--timeout", "60");
                assertThat(refused.code()).isEqualTo(1);
                assertThat(refused.out()).contains("REFUSED").contains("KEK/UNKNOWN_KEK");

                CliHelpTest.Run inspect = CliHelpTest.run("inspect", "srrrs-demo/aws/report.bin", "--dir", d);
                assertThat(inspect.out()).contains("KEK              " + main + " (aws-kms)");
                Path back = files.resolve("back.bin");
                assertThat(CliHelpTest.run("get", "srrrs-demo/aws/report.bin", "-o", back.toString(), "--dir", d).code())
                        .isZero();
                assertThat(Files.readAllBytes(back)).isEqualTo(payload);

                CliHelpTest.Run rewrap = CliHelpTest.run("rewrap", "srrrs-demo/aws/report.bin", "--to", "alias/other", "--dir", d);
                assertThat(rewrap.code()).as(rewrap.out() + rewrap.err()).isZero();
                assertThat(CliHelpTest.run("inspect", "srrrs-demo/aws/report.bin", "--dir", d).out()).contains(other);
                Files.delete(back);
                assertThat(CliHelpTest.run("get", "srrrs-demo/aws/report.bin", "-o", back.toString(), "--dir", d).code())
                        .isZero();
                assertThat(Files.readAllBytes(back)).isEqualTo(payload);
                assertThat(CliHelpTest.run("doctor", "--dir", d).out()).contains("OK    kms                    aws-kms");
                assertThat(stack.topology().kmsCalls().totalCalls()).as("topology KMS calls").isLessThanOrEqualTo(4);
            }
        }
    }

    @Test
    void destroyingAKekOnThePkcs11TokenShredsItsObjectsOnly() throws Exception {
        Path dir = newDir("pkcs11-");
        long slot = initToken("srrrs-cli-it");
        Map<String, String> kms = new HashMap<>();
        kms.put("kms.type", "pkcs11");
        kms.put("kms.pkcs11.library", "/usr/lib/softhsm/libsofthsm2.so");
        kms.put("kms.pkcs11.slot", Long.toString(slot));
        kms.put("kms.pkcs11.pin", "5678");
        kms.put("srrrs.kek.default", "kek-a");
        kms.put("srrrs.kek.allowed", "kek-a,kek-b");
        try (Pkcs11Kms admin = Pkcs11Kms.open(new Pkcs11Kms.Config(Path.of("/usr/lib/softhsm/libsofthsm2.so"), slot, 0,
                "5678".toCharArray()))) {
            admin.createKek("kek-a");
        }
        try (LocalStack stack = startStack(dir.resolve("stack"), kms)) {
            // kek-b is made through the provider the topology itself runs.
            Pkcs11Kms token = (Pkcs11Kms) stack.topology().kms().provider();
            token.createKek("kek-b");
            String d = dir.resolve("stack").toString();
            Path files = Files.createDirectories(LocalStack.filesDir(dir.resolve("stack")).resolve("hsm"));
            Files.writeString(files.resolve("a.txt"), "under kek-a");
            Path bDir = Files.createDirectories(files.resolve("b"));
            Files.writeString(bDir.resolve("b.txt"), "under kek-b");
            assertThat(CliHelpTest.run("publish", files.resolve("a.txt").toString(), "--kek", "kek-a", "--dir", d).code()).isZero();
            assertThat(CliHelpTest.run("publish", bDir.toString(), "--kek", "kek-b", "--dir", d).code()).isZero();

            CliConfig config = CliConfig.load(dir.resolve("stack").resolve("srrrs.properties"));
            DecoratedKms decoratedKms = stack.topology().kms(); // one SunPKCS11 session per process
            try (SrrrsClient client = SrrrsClient.create(config.store(), decoratedKms.kms(), config.allowedKeks())) {
                assertThat(new String(client.readAll("srrrs-demo", "a.txt"), StandardCharsets.UTF_8)).isEqualTo("under kek-a");
                assertThat(client.inspect("srrrs-demo", "b.txt").metadata().wrappedDek().kek().value()).isEqualTo("kek-b");
            }
            token.destroy("kek-a");
            // A reader that never unwrapped the DEK (a fresh unwrap cache) finds the KEK gone.
            try (DecoratedKms fresh = DecoratedKms.around(token, DecoratedKms.Config.DEFAULTS);
                 SrrrsClient client = SrrrsClient.create(config.store(), fresh.kms(), config.allowedKeks())) {
                assertThatThrownBy(() -> client.readAll("srrrs-demo", "a.txt")).isInstanceOf(UnknownKeyException.class)
                        .hasMessageContaining("kek-a");
                assertThat(new String(client.readAll("srrrs-demo", "b.txt"), StandardCharsets.UTF_8)).isEqualTo("under kek-b");
            }
        }
    }

    static javax.net.ssl.TrustManager[] trust(LocalCa ca) {
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(ca.truststore())) {
                ks.load(in, LocalCa.TRUSTSTORE_PASSWORD);
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh SoftHSM2 token; its configuration file is SOFTHSM2_CONF, set by cli/pom.xml. */
    static long initToken(String label) throws Exception {
        Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
        Path tokens = Files.createDirectories(conf.getParent().resolve("tokens"));
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Process p = new ProcessBuilder(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "1234",
                "--pin", "5678")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
