package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server (S3Proxy) in this JVM, over a plain directory, serving HTTPS with TLS 1.3
 * only (and, for tests that need to see a refusal, plain HTTP on a second port). Objects lie in
 * {@code <dir>/<bucket>/<key>} as the bytes the client uploaded, so a test can read exactly what
 * the store holds. S3Proxy does not implement SSE-C (it answers 501); Ceph RGW does.
 */
public final class EmbeddedS3 implements AutoCloseable {

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final Path dataDir;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, Path dataDir, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.context = context;
        this.dataDir = dataDir;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public static EmbeddedS3 start(Path dir, LocalCa ca) throws Exception {
        return start(dir, ca, FreePorts.next(), FreePorts.next());
    }

    public static EmbeddedS3 start(Path dir, LocalCa ca, int httpsPort, int httpPort) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", data.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem-nio2").credentials("local", "local").overrides(props)
                .buildView(BlobStoreContext.class);
        LocalCa.ServerIdentity id = ca.server("s3", List.of("localhost", "127.0.0.1"));
        // Credentials live beside the data, so a restarted store accepts the clients of the last one.
        Path credentials = dir.resolve("credentials");
        String accessKey = "SRRRSLOCAL";
        String secretKey;
        if (Files.exists(credentials)) {
            secretKey = Files.readString(credentials).trim();
        } else {
            byte[] secret = new byte[20];
            new SecureRandom().nextBytes(secret);
            secretKey = HexFormat.of().formatHex(secret);
            Files.writeString(credentials, secretKey);
            try {
                Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .secureEndpoint(URI.create("https://127.0.0.1:" + httpsPort))
                .sslContext(Tls.tls13OnlyServerContext(id.keystore(), id.password()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .maxSinglePartObjectSize(5L * 1024 * 1024 * 1024);
        if (httpPort > 0) {
            builder.endpoint(URI.create("http://127.0.0.1:" + httpPort));
        }
        S3Proxy proxy = builder.build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new EmbeddedS3(proxy, context, data, accessKey, secretKey);
    }

    /** The HTTPS (TLS 1.3) endpoint. */
    public URI httpsEndpoint() {
        return URI.create("https://127.0.0.1:" + proxy.getSecurePort());
    }

    /** The plain HTTP endpoint, for tests that check what is refused over it. */
    public URI httpEndpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The directory holding {@code <bucket>/<key>}: what the store really stores. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }

}
