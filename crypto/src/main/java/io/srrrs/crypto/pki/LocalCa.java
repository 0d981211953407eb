package io.srrrs.crypto.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The local stack's certificate authority: an EC P-256 CA made at first start with Bouncy
 * Castle's PKIX, which issues the server certificates every local listener speaks TLS 1.3 with.
 * Everything lives in one directory:
 *
 * <ul>
 *   <li>{@code ca.p12} — CA key and certificate (PKCS#12, password in {@code ca.password}, both mode 600)
 *   <li>{@code ca.pem} — the CA certificate, for clients that trust it
 *   <li>{@code truststore.p12} — the CA certificate as a PKCS#12 trust store (password {@value #TRUSTSTORE_PASSWORD_TEXT})
 *   <li>{@code <name>.p12}, {@code <name>.pem}, {@code <name>-key.pem} — one server identity, for
 *       Java servers (PKCS#12) and for the others (PEM chain and PKCS#8 key)
 * </ul>
 *
 * A development CA: its key sits on disk beside the stack's state. Production deployments use
 * their own PKI; this class is only what {@code srrrs up} and the tests need.
 */
public final class LocalCa {

    static final String TRUSTSTORE_PASSWORD_TEXT = "changeit";
    /** The trust store holds only a public certificate; its password protects nothing secret. */
    public static final char[] TRUSTSTORE_PASSWORD = TRUSTSTORE_PASSWORD_TEXT.toCharArray();

    private static final String CA_ALIAS = "srrrs-local-ca";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(825);

    private final Path dir;
    private final PrivateKey caKey;
    private final X509Certificate caCert;
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalCa(Path dir, PrivateKey caKey, X509Certificate caCert) {
        this.dir = dir;
        this.caKey = caKey;
        this.caCert = caCert;
    }

    /** Loads the CA in {@code dir}, or creates it there on first use. */
    public static LocalCa createOrLoad(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path store = dir.resolve("ca.p12");
        Path passwordFile = dir.resolve("ca.password");
        if (Files.exists(store)) {
            char[] password = Files.readString(passwordFile).trim().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            return new LocalCa(dir, (PrivateKey) ks.getKey(CA_ALIAS, password), (X509Certificate) ks.getCertificate(CA_ALIAS));
        }
        KeyPair pair = ecKeyPair();
        X500Name name = new X500Name("CN=SRRRS local CA " + HexFormat.of().formatHex(randomSerial().toByteArray()).substring(0, 8));
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, randomSerial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate cert = sign(builder, pair.getPrivate());

        char[] password = randomPassword();
        writePrivate(passwordFile, new String(password));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(CA_ALIAS, pair.getPrivate(), password, new Certificate[] {cert});
        storePrivate(ks, store, password);
        Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", cert.getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(CA_ALIAS, cert);
        try (OutputStream out = Files.newOutputStream(dir.resolve("truststore.p12"))) {
            trust.store(out, TRUSTSTORE_PASSWORD);
        }
        return new LocalCa(dir, pair.getPrivate(), cert);
    }

    /** A server identity, issued once per name and kept; {@code hosts} are DNS names or IP literals. */
    public ServerIdentity server(String name, List<String> hosts) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(hosts, "hosts");
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("identity names are [a-z0-9-]");
        }
        Path p12 = dir.resolve(name + ".p12");
        if (!Files.exists(p12)) {
            issue(name, hosts);
        }
        return new ServerIdentity(p12, dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"), keystorePassword(name));
    }

    private void issue(String name, List<String> hosts) throws IOException, GeneralSecurityException {
        KeyPair pair = ecKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, randomSerial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SERVER_VALIDITY)),
                new X500Name("CN=" + name), pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            names.add(isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
        }
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        builder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        X509Certificate cert = sign(builder, caKey);

        char[] password = randomPassword();
        writePrivate(dir.resolve(name + ".password"), new String(password));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(name, pair.getPrivate(), password, new Certificate[] {cert, caCert});
        storePrivate(ks, dir.resolve(name + ".p12"), password);
        Files.writeString(dir.resolve(name + ".pem"), pem("CERTIFICATE", cert.getEncoded()) + pem("CERTIFICATE", caCert.getEncoded()));
        writePrivate(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    private char[] keystorePassword(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".password")).trim().toCharArray();
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public X509Certificate certificate() {
        return caCert;
    }

    /**
     * A server's key material on disk.
     *
     * @param keystore PKCS#12 with key and chain (alias = the identity's name)
     * @param certPem  PEM certificate chain, leaf first
     * @param keyPem   PEM PKCS#8 private key (mode 600)
     */
    public record ServerIdentity(Path keystore, Path certPem, Path keyPem, char[] password) {
        @Override
        public String toString() {
            return "ServerIdentity[" + keystore + "]";
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger randomSerial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static char[] randomPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign certificate: " + e.getMessage(), e);
        }
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }

    private static void storePrivate(KeyStore ks, Path file, char[] password) throws IOException, GeneralSecurityException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password);
        }
    }

}
