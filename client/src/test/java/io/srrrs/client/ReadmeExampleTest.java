package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The README's "Reading objects back" code, run against a real S3 server; and the README must
 * hold every line of it, so neither can drift from the other.
 */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleRunsAndIsTheReadmes() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        try (EmbeddedS3 s3proxy = EmbeddedS3.start(dir.resolve("s3"), ca)) {
            Path keks = dir.resolve("keks.p12");
            Files.writeString(dir.resolve("keks.password"), "changeit\n");
            try (LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(keks, "changeit".toCharArray())) {
                keystore.createKek("orders");
                keystore.createKek("orders-2027");
            }
            byte[] original = SrrrsClientTest.payload(3_000_000);
            StoreConfig written = StoreConfig.of(s3proxy.httpsEndpoint(), s3proxy.accessKey(), s3proxy.secretKey(),
                    ca.truststore());
            // As the sink would have written it.
            try (S3Client admin = StoreClients.s3(written);
                 DecoratedKms writer = KmsConfig.stack(Map.of("kms.type", "local", "kms.local.keystore", keks.toString(),
                         "kms.local.password", "changeit"))) {
                admin.createBucket(b -> b.bucket("invoices"));
                SrrrsClientTest.writeObject(admin, writer.kms(), writer.kms().resolve("orders"), "invoices",
                        "2026/11/001.pdf", original, 64 * 1024);
            }
            URI endpoint = s3proxy.httpsEndpoint();
            String accessKey = s3proxy.accessKey();
            String secretKey = s3proxy.secretKey();
            ByteArrayOutputStream destination = new ByteArrayOutputStream();
            byte[] page;
            byte[] proven;
            ObjectInfo info;

            // --- README begins ("keks.p12" etc. → files in the test's directory) ---
            DecoratedKms kms = KmsConfig.stack(Map.of("kms.type", "local", "kms.local.keystore", dir.resolve("keks.p12").toString(),
                    "kms.local.password.file", dir.resolve("keks.password").toString()));
            StoreConfig store = StoreConfig.of(endpoint, accessKey, secretKey, dir.resolve("ca/truststore.p12"));
            KekAllowList allowed = KekAllowList.parse("orders,orders-2027", "");   // srrrs.kek.allowed
            try (SrrrsClient client = SrrrsClient.create(store, kms.kms(), allowed)) {
                try (InputStream in = client.open("invoices", "2026/11/001.pdf")) {   // verified plaintext, constant memory
                    in.transferTo(destination);
                }
                try (InputStream in = client.openRange("invoices", "2026/11/001.pdf", 1_048_576, 4096)) {
                    page = in.readAllBytes();                                        // one ranged GET, 1 segment
                }
                try (InputStream in = client.openRange("invoices", "2026/11/001.pdf", 0, 4096, true)) {
                    proven = in.readAllBytes();                     // + one GET of the final segment: length proven
                }
                info = client.inspect("invoices", "2026/11/001.pdf");               // header and metadata only
                client.rewrap("invoices", "2026/11/001.pdf", "orders-2027");         // new KEK, no download
            }
            // --- README ends ---

            assertThat(destination.toByteArray()).isEqualTo(original);
            assertThat(proven).isEqualTo(Arrays.copyOf(original, 4096));
            assertThat(page).isEqualTo(Arrays.copyOfRange(original, 1_048_576, 1_048_576 + 4096));
            assertThat(info.plaintextLength()).isEqualTo(original.length);
            try (SrrrsClient fresh = SrrrsClient.create(store, kms.kms(), allowed)) {
                assertThat(fresh.inspect("invoices", "2026/11/001.pdf").metadata().wrappedDek().kek())
                        .isEqualTo(kms.kms().resolve("orders-2027"));
                assertThat(fresh.readAll("invoices", "2026/11/001.pdf")).isEqualTo(original);
            }
            kms.close();
        }
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        for (String line : exampleLines()) {
            assertThat(readme).as("the README shows this line of the example").contains(line);
        }
    }

    /** The example's lines as the README shows them (test-directory paths undone). */
    private static List<String> exampleLines() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/srrrs/client/ReadmeExampleTest.java"));
        String example = source.substring(source.indexOf("// --- README begins"), source.indexOf("// --- README ends"));
        return example.lines().skip(1).map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.replace("dir.resolve(\"keks.p12\").toString()", "\"keks.p12\"")
                        .replace("dir.resolve(\"keks.password\").toString()", "\"keks.password\"")
                        .replace("dir.resolve(\"ca/truststore.p12\")", "Path.of(\"truststore.p12\")"))
                .toList();
    }
}
