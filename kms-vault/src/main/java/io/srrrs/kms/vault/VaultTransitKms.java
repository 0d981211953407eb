package io.srrrs.kms.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsAccessDeniedException;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsThrottledException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The {@code vault} provider: HashiCorp Vault or OpenBao Transit over {@code java.net.http}.
 *
 * <ul>
 *   <li>DEKs from {@code POST /v1/<mount>/datakey/plaintext/<key>} (256 bits): one call returns the
 *       DEK and its Transit ciphertext. ({@code datakey/wrapped} returns no plaintext, so encrypting
 *       with it would need a second call, {@code decrypt}.)</li>
 *   <li>{@code decrypt} opens one; {@code rewrap} moves one to the key's newest version inside Vault;
 *       a rewrap to another key is {@code decrypt} then {@code encrypt} (Transit cannot move
 *       ciphertext between keys), so that DEK passes through this process.</li>
 *   <li>The encryption context is Transit's key-derivation {@code context}: keys must be created
 *       with {@code derived=true}, and a ciphertext opens only with the context it was made with.</li>
 *   <li>The wrapped blob is Transit's ciphertext string ({@code vault:v<N>:...}) as UTF-8: its
 *       version prefix is the key version.</li>
 * </ul>
 *
 * <p>The S3EC wrappings: Transit keys cannot be exported, so no S3EC application can unwrap with
 * S3EC's own AES keyring; S3EC readers use our keyring adapter (s3ec-keyring), which calls this
 * provider. So an S3EC wrap is the v1 wrap under the caller's context plus the reserved
 * {@code aws:x-amz-cek-alg} = "115" (V3) or "AES/GCM/NoPadding" (V2), as S3EC's kms+context does:
 * a DEK wrapped for one format never opens as another, and the caller's context is bound as for v1.
 *
 * <p>The DEK arrives base64 in a JSON string, which Java cannot zero; the decoded bytes are ours
 * and are zeroed on close. Untested against a real Vault here (none can run on our machines):
 * the tests use a stub that follows Vault's documented request and response bodies.
 */
public final class VaultTransitKms implements Kms {

    /** The {@code kms.type} and {@link WrappedDek#kms()} value of this provider. */
    public static final String TYPE = "vault";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CONTEXT_LABEL = "srrrs-v1\0".getBytes(StandardCharsets.US_ASCII);

    /** Where and how to reach Transit. {@code token} is read for every call, so a renewed file is picked up. */
    public record Config(URI address, String mount, Supplier<char[]> token, String namespace, HttpClient http,
                         Duration timeout) {
    }

    private final Config config;

    /** Over Transit at {@code config}; the address must be https. */
    public VaultTransitKms(Config config) {
        KmsConfig.requireHttps(config.address(), VaultTransitKmsFactory.ADDRESS);
        this.config = config;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public KekId resolve(String name) throws KmsException {
        JsonNode data = call("GET", "keys/" + encode(name), null, "read key", name);
        if (!data.path("derived").asBoolean(false)) {
            throw new KmsAccessDeniedException("Transit key '" + name + "' is not a derived key: create it with "
                    + "derived=true so the encryption context is bound (vault write " + config.mount() + "/keys/" + name
                    + " derived=true)");
        }
        return new KekId(name);
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        ObjectNode body = JSON.createObjectNode().put("context", contextParam(context)).put("bits", 256);
        JsonNode data = call("POST", "datakey/plaintext/" + encode(kek.value()), body, "datakey", kek.value());
        DataKey plaintext = dek(data, "datakey");
        try {
            return new DataKeyPair(plaintext, wrapped(kek, data));
        } catch (KmsException | RuntimeException e) {
            plaintext.close();
            throw e;
        }
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        requireOurs(wrapped);
        ObjectNode body = JSON.createObjectNode().put("ciphertext", new String(wrapped.blob(), StandardCharsets.UTF_8))
                .put("context", contextParam(context));
        return dek(call("POST", "decrypt/" + encode(wrapped.kek().value()), body, "decrypt", wrapped.kek().value()),
                "decrypt");
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
        requireOurs(wrapped);
        String source = wrapped.kek().value();
        if (source.equals(target.value())) {
            ObjectNode body = JSON.createObjectNode().put("ciphertext", new String(wrapped.blob(), StandardCharsets.UTF_8))
                    .put("context", contextParam(context));
            return wrapped(target, call("POST", "rewrap/" + encode(source), body, "rewrap", source));
        }
        try (DataKey dek = unwrap(wrapped, context)) {
            ObjectNode body = JSON.createObjectNode()
                    .put("plaintext", Base64.getEncoder().encodeToString(dek.material()))
                    .put("context", contextParam(context));
            return wrapped(target, call("POST", "encrypt/" + encode(target.value()), body, "encrypt", target.value()));
        }
    }

    /** The v1 calls under {@link #s3ecContext}: see the class comment. */
    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return generateDataKey(kek, s3ecContext(context, wrapping));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return unwrap(wrapped, s3ecContext(context, wrapping));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        return rewrap(wrapped, s3ecContext(context, wrapping), target);
    }

    /**
     * The context an S3EC wrapping derives under: the caller's plus {@code aws:x-amz-cek-alg}.
     *
     * @throws IllegalArgumentException if the caller's context holds the reserved key, or is already
     *                                  at the context's size limits, so the reserved key does not fit
     */
    static EncryptionContext s3ecContext(EncryptionContext context, DekWrapping wrapping) {
        return wrapping == DekWrapping.SRRRS_V1 ? context : EncryptionContext.of(wrapping.kmsContext(context));
    }

    private WrappedDek wrapped(KekId kek, JsonNode data) throws KmsException {
        String ciphertext = data.path("ciphertext").asText("");
        if (!ciphertext.startsWith("vault:v")) {
            throw new KmsUnavailableException("Transit answered no vault:v<N>: ciphertext");
        }
        return new WrappedDek(TYPE, kek, ciphertext.getBytes(StandardCharsets.UTF_8));
    }

    private static DataKey dek(JsonNode data, String operation) throws KmsException {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(data.path("plaintext").asText(""));
        } catch (IllegalArgumentException e) {
            throw new KmsUnavailableException(operation + " answered a plaintext that is not base64");
        }
        if (material.length != FormatV1.DEK_LENGTH) {
            Arrays.fill(material, (byte) 0);
            throw new KmsUnavailableException(operation + " answered a key of the wrong length");
        }
        return DataKey.adopt(material);
    }

    private static void requireOurs(WrappedDek wrapped) throws InvalidWrappedKeyException {
        if (!TYPE.equals(wrapped.kms())) {
            throw new InvalidWrappedKeyException("DEK was wrapped by KMS type '" + wrapped.kms() + "', not by Vault Transit");
        }
    }

    /** Transit's derivation context: a label, then our canonical context bytes, base64. Never empty. */
    static String contextParam(EncryptionContext context) {
        byte[] canonical = context.canonicalBytes();
        ByteBuffer b = ByteBuffer.allocate(CONTEXT_LABEL.length + canonical.length).put(CONTEXT_LABEL).put(canonical);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One Transit call; the answer's {@code data}, or the error as one of our types. */
    private JsonNode call(String method, String path, ObjectNode body, String operation, String key) throws KmsException {
        URI uri = URI.create(config.address().toString().replaceAll("/+$", "") + "/v1/" + config.mount() + "/" + path);
        char[] token = config.token().get();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.timeout())
                .header("X-Vault-Token", new String(token)).header("Content-Type", "application/json");
        Arrays.fill(token, '\0');
        if (config.namespace() != null && !config.namespace().isBlank()) {
            request.header("X-Vault-Namespace", config.namespace());
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        String what = "Transit " + operation + " on key '" + key + "': ";
        HttpResponse<String> response;
        try {
            response = config.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KmsUnavailableException(what + "cannot reach Vault at " + config.address() + " (" + e.getMessage() + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmsUnavailableException(what + "interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            try {
                return JSON.readTree(response.body()).path("data");
            } catch (IOException e) {
                throw new KmsUnavailableException(what + "unreadable answer", e);
            }
        }
        throw translate(status, errors(response.body()), what);
    }

    /** Vault's {@code {"errors": [...]}}, joined and bounded. Vault's errors carry no key material. */
    private static String errors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            StringBuilder sb = new StringBuilder();
            errors.forEach(e -> sb.append(sb.length() == 0 ? "" : "; ").append(e.asText()));
            String s = sb.toString();
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        } catch (IOException e) {
            return "";
        }
    }

    static KmsException translate(int status, String error, String what) {
        String e = error.toLowerCase(Locale.ROOT);
        if (status == 404 || e.contains("encryption key not found") || e.contains("key not found")) {
            return new UnknownKeyException(what + "no such Transit key (" + error + ")");
        }
        if (status == 403) {
            return new KmsAccessDeniedException(what + "permission denied (check the token and its policy)");
        }
        if (status == 429) {
            return new KmsThrottledException(what + "rate limited (" + error + ")");
        }
        if (status >= 500) {
            return new KmsUnavailableException(what + "Vault answered " + status + (e.contains("sealed") ? " (sealed)" : "")
                    + " (" + error + ")");
        }
        if (e.contains("message authentication failed") || e.contains("invalid ciphertext") || e.contains("context")
                || e.contains("decrypt")) {
            return new InvalidWrappedKeyException(what + "the wrapped DEK does not open under this key and encryption "
                    + "context (" + error + ")");
        }
        return new KmsAccessDeniedException(what + "refused (" + status + ": " + error + ")");
    }
}
