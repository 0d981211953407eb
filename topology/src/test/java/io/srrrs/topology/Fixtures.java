package io.srrrs.topology;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.chunk.ObjectStartFields;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** Shared test helpers: references, a TLS 1.3 https payload server, and reading objects back. */
final class Fixtures {

    static final SecureRandom RANDOM = new SecureRandom();
    static final byte[] CANARY = "SRRRS-PLAINTEXT-CANARY-7f3a9c".getBytes(StandardCharsets.US_ASCII);

    private Fixtures() {
    }

    /** Random bytes with the canary planted every 64 KiB, so any plaintext leak is findable. */
    static byte[] payload(int size) {
        byte[] b = new byte[size];
        RANDOM.nextBytes(b);
        for (int at = 0; at + CANARY.length <= size; at += 65536) {
            System.arraycopy(CANARY, 0, b, at, CANARY.length);
        }
        return b;
    }

    static PayloadReference.Builder inline(String id, byte[] data) {
        return PayloadReference.newBuilder().setId(id).setSource(new InlineSource(ByteBuffer.wrap(data)))
                .setBucket("bucket").setKey("objects/" + id + ".bin").setEncryptionContext(Map.of("tenant", "acme"));
    }

    static PayloadReference.Builder uri(String id, String uri) {
        return PayloadReference.newBuilder().setId(id).setSource(new UriSource(uri))
                .setBucket("bucket").setKey("objects/" + id + ".bin").setEncryptionContext(Map.of("tenant", "acme"));
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** Reassembles one object from its chunks (in order) and decrypts it with the KMS. */
    static byte[] decrypt(List<EncryptedChunk> chunks, Kms kms) throws Exception {
        ObjectStart start = chunks.get(0).getStart();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (EncryptedChunk c : chunks) {
            ByteBuffer b = c.getCiphertext().duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            body.writeBytes(bytes);
        }
        EncryptionContext ctx = EncryptionContext.of(start.getEncryptionContext());
        byte[] wrapped = new byte[start.getWrappedDek().remaining()];
        start.getWrappedDek().duplicate().get(wrapped);
        byte[] headerBytes = new byte[start.getHeader().remaining()];
        start.getHeader().duplicate().get(headerBytes);
        ObjectMetadata metadata = new ObjectMetadata(FormatHeader.parse(headerBytes),
                new WrappedDek(start.getKms(), new KekId(start.getKekId()), wrapped), ctx);
        EncryptedChunk first = chunks.get(0);
        try (DataKey dek = kms.unwrap(metadata.wrappedDek(), ctx);
             ObjectDecryptor dec = ObjectDecryptor.open(metadata.header(), dek,
                     new ObjectIdentity(first.getBucket(), first.getKey()), ctx);
             InputStream in = dec.decrypt(new ByteArrayInputStream(body.toByteArray()))) {
            return in.readAllBytes();
        }
    }

    /**
     * Reassembles an S3EC object from its chunks and decrypts it as an S3EC reader would: the DEK
     * unwrapped as its format's wrapping says, the body checked whole before a byte is returned.
     */
    static byte[] decryptS3ec(List<EncryptedChunk> chunks, Kms kms) throws Exception {
        ObjectStart start = chunks.get(0).getStart();
        ObjectStartFields fields = ObjectStartFields.fromAvro(start);
        S3ecContent content = (S3ecContent) fields.metadata().content();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (EncryptedChunk c : chunks) {
            ByteBuffer b = c.getCiphertext().duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            body.writeBytes(bytes);
        }
        byte[] whole = body.toByteArray();
        DekWrapping wrapping = DekWrapping.of(content.outputFormat());
        try (DataKey dek = kms.unwrap(fields.metadata().wrappedDek(), fields.metadata().context(), wrapping);
             S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(content, dek);
             InputStream in = dec.decryptVerified(whole.length, () -> new ByteArrayInputStream(whole))) {
            return in.readAllBytes();
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** An https server on loopback, TLS 1.3 only, serving fixed paths; {@code stream:N} paths send N bytes chunked. */
    static final class PayloadServer implements AutoCloseable {
        final HttpsServer server;
        final Map<String, byte[]> files = new HashMap<>();
        final Map<String, String> redirects = new HashMap<>();

        PayloadServer(LocalCa ca) throws Exception {
            LocalCa.ServerIdentity id = ca.server("payloads", List.of("localhost", "127.0.0.1"));
            SSLContext ssl = Tls.serverContext(id.keystore(), id.password());
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
                @Override
                public void configure(HttpsParameters params) {
                    params.setSSLParameters(Tls.onlyTls13(ssl));
                }
            });
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                try (exchange) {
                    if (redirects.containsKey(path)) {
                        exchange.getResponseHeaders().add("Location", redirects.get(path));
                        exchange.sendResponseHeaders(302, -1);
                    } else if (path.startsWith("/stream/")) {
                        long n = Long.parseLong(path.substring("/stream/".length()));
                        exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length
                        try (OutputStream out = exchange.getResponseBody()) {
                            byte[] block = new byte[65536];
                            for (long sent = 0; sent < n; sent += block.length) {
                                out.write(block, 0, (int) Math.min(block.length, n - sent));
                            }
                        } catch (IOException clientGaveUp) {
                            // the topology stops reading once the limit is passed
                        }
                    } else if (path.equals("/fail")) {
                        exchange.sendResponseHeaders(500, -1);
                    } else if (files.containsKey(path)) {
                        byte[] body = files.get(path);
                        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                        exchange.getResponseBody().write(body);
                    } else {
                        exchange.sendResponseHeaders(404, -1);
                    }
                }
            });
            server.start();
        }

        String url(String path) {
            return "https://localhost:" + server.getAddress().getPort() + path;
        }

        String urlByIp(String path) {
            return "https://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
