package io.srrrs.kms.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.srrrs.crypto.pki.LocalCa;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for Vault's Transit engine, following the request and response bodies of Vault's
 * API documentation for {@code keys/:name} (GET, DELETE), {@code keys/:name/rotate},
 * {@code datakey/plaintext/:name}, {@code encrypt}, {@code decrypt} and {@code rewrap}: JSON in,
 * {@code {"data": {...}}} out, {@code {"errors": [...]}} with Vault's status codes on failure,
 * {@code X-Vault-Token} checked. Ciphertexts are {@code vault:v<N>:base64(nonce ‖ AES-GCM)} with
 * the derivation context as associated data (real Vault derives a key from it; the effect a client
 * sees — the wrong context fails — is the same). It is not Vault: real Vault is untested here.
 */
final class VaultTransitStub implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    final String token;
    final Map<String, List<byte[]>> keys = new ConcurrentHashMap<>();
    final Map<String, Boolean> derived = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    volatile int forcedStatus;
    private final HttpsServer server;
    private final SecureRandom random = new SecureRandom();

    VaultTransitStub(LocalCa ca, String token) throws Exception {
        this.token = token;
        LocalCa.ServerIdentity id = ca.server("vault-stub", List.of("localhost", "127.0.0.1"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(id.keystore())) {
            ks.load(in, id.password());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, id.password());
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                var p = tls.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                params.setSSLParameters(p);
            }
        });
        server.createContext("/v1/transit/", this::handle);
        server.start();
    }

    URI address() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    void createKey(String name, boolean isDerived) {
        keys.put(name, new ArrayList<>(List.of(randomKey())));
        derived.put(name, isDerived);
    }

    private byte[] randomKey() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return k;
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            if (forcedStatus != 0) {
                reply(ex, forcedStatus, errors(forcedStatus == 503 ? "Vault is sealed" : "rate limit quota exceeded"));
                return;
            }
            if (!token.equals(ex.getRequestHeaders().getFirst("X-Vault-Token"))) {
                reply(ex, 403, errors("permission denied"));
                return;
            }
            String[] path = ex.getRequestURI().getPath().substring("/v1/transit/".length()).split("/");
            JsonNode body = ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("DELETE")
                    ? JSON.createObjectNode() : JSON.readTree(ex.getRequestBody());
            switch (path[0]) {
                case "keys" -> keysEndpoint(ex, path);
                case "datakey" -> datakey(ex, path[2], body);
                case "encrypt" -> encrypt(ex, path[1], body);
                case "decrypt" -> decrypt(ex, path[1], body);
                case "rewrap" -> rewrap(ex, path[1], body);
                default -> reply(ex, 404, errors("no handler for route"));
            }
        } catch (Exception e) {
            reply(ex, 500, errors("stub failure: " + e.getClass().getSimpleName()));
        }
    }

    private void keysEndpoint(HttpExchange ex, String[] path) throws IOException {
        String name = path[1];
        List<byte[]> versions = keys.get(name);
        if (versions == null) {
            reply(ex, ex.getRequestMethod().equals("GET") ? 404 : 400, errors("encryption key not found"));
            return;
        }
        if (path.length > 2 && path[2].equals("rotate")) {
            versions.add(randomKey());
            reply(ex, 204, null);
        } else if (ex.getRequestMethod().equals("DELETE")) {
            keys.remove(name);
            reply(ex, 204, null);
        } else {
            ObjectNode data = JSON.createObjectNode().put("name", name).put("type", "aes256-gcm96")
                    .put("derived", derived.get(name)).put("latest_version", versions.size());
            reply(ex, 200, JSON.createObjectNode().set("data", data));
        }
    }

    private void datakey(HttpExchange ex, String name, JsonNode body) throws Exception {
        byte[] dek = new byte[body.path("bits").asInt(256) / 8];
        random.nextBytes(dek);
        ObjectNode data = seal(ex, name, dek, body);
        if (data != null) {
            data.put("plaintext", Base64.getEncoder().encodeToString(dek));
            reply(ex, 200, JSON.createObjectNode().set("data", data));
        }
    }

    private void encrypt(HttpExchange ex, String name, JsonNode body) throws Exception {
        ObjectNode data = seal(ex, name, Base64.getDecoder().decode(body.path("plaintext").asText()), body);
        if (data != null) {
            reply(ex, 200, JSON.createObjectNode().set("data", data));
        }
    }

    private void decrypt(HttpExchange ex, String name, JsonNode body) throws Exception {
        byte[] plain = open(ex, name, body);
        if (plain != null) {
            reply(ex, 200, JSON.createObjectNode().set("data",
                    JSON.createObjectNode().put("plaintext", Base64.getEncoder().encodeToString(plain))));
        }
    }

    private void rewrap(HttpExchange ex, String name, JsonNode body) throws Exception {
        byte[] plain = open(ex, name, body);
        if (plain != null) {
            ObjectNode data = seal(ex, name, plain, body);
            reply(ex, 200, JSON.createObjectNode().set("data", data));
        }
    }

    private ObjectNode seal(HttpExchange ex, String name, byte[] plain, JsonNode body) throws Exception {
        List<byte[]> versions = keys.get(name);
        if (versions == null) {
            reply(ex, 400, errors("encryption key not found"));
            return null;
        }
        byte[] context = context(ex, name, body);
        if (context == null) {
            return null;
        }
        int version = versions.size();
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(versions.get(version - 1), "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(context);
        byte[] ct = gcm.doFinal(plain);
        String ciphertext = "vault:v" + version + ":" + Base64.getEncoder().encodeToString(
                ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array());
        return JSON.createObjectNode().put("ciphertext", ciphertext).put("key_version", version);
    }

    private byte[] open(HttpExchange ex, String name, JsonNode body) throws Exception {
        List<byte[]> versions = keys.get(name);
        if (versions == null) {
            reply(ex, 400, errors("encryption key not found"));
            return null;
        }
        byte[] context = context(ex, name, body);
        if (context == null) {
            return null;
        }
        String[] parts = body.path("ciphertext").asText().split(":");
        if (parts.length != 3 || !parts[0].equals("vault") || !parts[1].startsWith("v")) {
            reply(ex, 400, errors("invalid ciphertext: no prefix"));
            return null;
        }
        int version = Integer.parseInt(parts[1].substring(1));
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            reply(ex, 400, errors("invalid ciphertext: could not decode"));
            return null;
        }
        if (version < 1 || version > versions.size()) {
            reply(ex, 400, errors("invalid ciphertext: key version out of range"));
            return null;
        }
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(versions.get(version - 1), "AES"),
                    new GCMParameterSpec(128, raw, 0, 12));
            gcm.updateAAD(context);
            return gcm.doFinal(raw, 12, raw.length - 12);
        } catch (javax.crypto.AEADBadTagException e) {
            reply(ex, 400, errors("cipher: message authentication failed"));
            return null;
        }
    }

    private byte[] context(HttpExchange ex, String name, JsonNode body) throws IOException {
        String context = body.path("context").asText("");
        if (derived.get(name) && context.isEmpty()) {
            reply(ex, 400, errors("missing 'context' for key derivation; the key was created using a derived key, which "
                    + "means additional, per-request information must be included in order to perform operations with "
                    + "the key"));
            return null;
        }
        return context.getBytes(StandardCharsets.US_ASCII);
    }

    private static JsonNode errors(String message) {
        return JSON.createObjectNode().set("errors", JSON.createArrayNode().add(message));
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
