package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/make-certs.sh, run here as the compose "certs" service runs it (openssl and keytool):
 * one certificate per principal, named by its CN, signed by the right CA, and no CA key left.
 */
class DeployCertsTest {

    private static final String PASSWORD = "test-password";
    private static final List<String> VOLUMES = List.of("ca", "kafka", "connect", "registry", "minio", "kms", "topology",
            "admin", "connect-admin", "clients");

    @TempDir
    static Path out;

    @BeforeAll
    static void makeCerts() throws Exception {
        DockerComposeTest.load();
        Tools.require("openssl");
        Tools.require("keytool");
        for (String v : VOLUMES) {
            Files.createDirectories(out.resolve(v));
        }
        Tools.Result r = make();
        assertThat(r.exit()).as(r.output()).isZero();
    }

    private static Tools.Result make() throws Exception {
        return Tools.run(out, List.of("sh", DockerComposeTest.root.resolve("deploy/make-certs.sh").toString()),
                Map.of("CERTS_OUT", out.toString(), "CERT_PASSWORD", PASSWORD));
    }

    @Test
    void everyKafkaPrincipalHasItsOwnCertificateFromTheComposeCa() throws Exception {
        X509Certificate ca = pem(out.resolve("ca/ca.pem"));
        Map<String, Path> keystores = Map.of("kafka", out.resolve("kafka/kafka.p12"), "connect", out.resolve("connect/connect.p12"),
                "topology", out.resolve("topology/topology.p12"), "admin", out.resolve("admin/admin.p12"),
                "producer", out.resolve("clients/producer.p12"), "operator", out.resolve("clients/operator.p12"));
        keystores.forEach((principal, file) -> {
            X509Certificate cert = leaf(file);
            assertThat(cert.getSubjectX500Principal().getName()).as(principal).isEqualTo("CN=" + principal);
            verifies(cert, ca);
            assertThat(extendedKeyUsage(cert)).as(principal).contains("1.3.6.1.5.5.7.3.2"); // clientAuth
        });
        // every principal init-acls.sh grants to has a certificate
        for (String principal : List.of("producer", "topology", "connect", "operator")) {
            assertThat(keystores).containsKey(principal);
        }
        assertThat(extendedKeyUsage(leaf(keystores.get("topology")))).doesNotContain("1.3.6.1.5.5.7.3.1"); // not a server
    }

    @Test
    void onlyTheConnectRestCaSignsTheRestClientAndConnectTrustsOnlyIt() throws Exception {
        X509Certificate ca = pem(out.resolve("ca/ca.pem"));
        X509Certificate restClient = pem(out.resolve("connect-admin/connect-admin.pem"));
        KeyStore restTrust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(out.resolve("connect/rest-clients.p12"))) {
            restTrust.load(in, "changeit".toCharArray());
        }
        assertThat(java.util.Collections.list(restTrust.aliases())).hasSize(1);
        X509Certificate restCa = (X509Certificate) restTrust.getCertificate(restTrust.aliases().nextElement());
        verifies(restClient, restCa);
        assertThatThrownBy(() -> restClient.verify(ca.getPublicKey())).as("Kafka's CA did not sign it")
                .isInstanceOf(java.security.SignatureException.class);
        assertThatThrownBy(() -> leaf(out.resolve("topology/topology.p12")).verify(restCa.getPublicKey()))
                .as("a Kafka principal cannot call Connect REST").isInstanceOf(java.security.SignatureException.class);
    }

    @Test
    void noCaKeyIsLeftAndHostKeystoresAreOwnerOnly() throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).toList();
            assertThat(names).noneMatch(n -> n.contains("ca.key") || n.contains(".srl") || n.endsWith(".csr"));
            assertThat(names).filteredOn(n -> n.endsWith(".key"))
                    .containsExactlyInAnyOrder("registry/registry.key", "minio/private.key", "connect-admin/connect-admin.key");
        }
        for (String f : List.of("producer.p12", "operator.p12")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("clients").resolve(f))))
                    .isEqualTo("rw-------");
        }
        // a second run changes nothing (the service runs at every `docker compose up`)
        byte[] before = Files.readAllBytes(out.resolve("topology/topology.p12"));
        Tools.Result again = make();
        assertThat(again.output()).contains("certificates exist");
        assertThat(Files.readAllBytes(out.resolve("topology/topology.p12"))).isEqualTo(before);
    }

    @Test
    void theHostKeystoresStayOutOfGit() throws Exception {
        Tools.require("git");
        Path root = DockerComposeTest.root;
        assertThat(DockerComposeTest.volumes("certs")).contains("./deploy/secrets/clients:/out/clients");
        for (String f : List.of("deploy/secrets/clients/producer.p12", "deploy/secrets/clients/operator.p12",
                "deploy/secrets/sse_c_private_key")) {
            Tools.Result r = Tools.run(root, List.of("git", "check-ignore", "-q", "--no-index", f), Map.of());
            assertThat(r.exit()).as(f + " is ignored").isZero();
        }
        Tools.Result kept = Tools.run(root, List.of("git", "check-ignore", "-q", "--no-index",
                "deploy/secrets/clients/.gitignore"), Map.of());
        assertThat(kept.exit()).as("the directory itself is kept").isEqualTo(1);
    }

    private static X509Certificate leaf(Path p12) {
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            String alias = ks.aliases().nextElement();
            assertThat(ks.isKeyEntry(alias)).as(p12 + " holds a key").isTrue();
            return (X509Certificate) ks.getCertificate(alias);
        } catch (Exception e) {
            throw new AssertionError(p12 + ": " + e, e);
        }
    }

    private static X509Certificate pem(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void verifies(X509Certificate cert, X509Certificate issuer) {
        try {
            cert.verify(issuer.getPublicKey());
        } catch (Exception e) {
            throw new AssertionError(cert.getSubjectX500Principal() + " not signed by " + issuer.getSubjectX500Principal(), e);
        }
    }

    private static List<String> extendedKeyUsage(X509Certificate cert) {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            return eku == null ? List.of() : eku;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
