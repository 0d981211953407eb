package io.srrrs.crypto.s3ec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The negative S3EC vectors of docs/vectors/s3ec.json: each one change to a positive vector that a
 * reader must refuse, with the error name (docs/FORMAT.md §12) it fails with. {@code s3ecRefuses}
 * says whether the Amazon S3 Encryption Client refuses it too (it ignores our {@code srrrs-*} keys).
 */
final class S3ecNegativeVectors {

    private S3ecNegativeVectors() {
    }

    /** A stored object: body and user metadata. */
    record Stored(byte[] body, Map<String, String> metadata) {
        Stored withBody(byte[] b) {
            return new Stored(b, metadata);
        }

        Stored with(String key, String value) {
            Map<String, String> m = new LinkedHashMap<>(metadata);
            if (value == null) {
                m.remove(key);
            } else {
                m.put(key, value);
            }
            return new Stored(body, m);
        }
    }

    static Stored stored(JsonNode vector) {
        JsonNode out = vector.get("outputs");
        Map<String, String> m = new LinkedHashMap<>();
        out.get("metadata").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return new Stored(S3ecVectors.HEX.parseHex(out.get("body").asText()), m);
    }

    static ArrayNode build(ArrayNode vectors, ObjectMapper json) {
        Map<String, Stored> base = new LinkedHashMap<>();
        vectors.forEach(v -> base.put(v.get("name").asText(), stored(v)));
        Stored v3 = base.get("v3-multi-chunk");
        Stored v2 = base.get("v2-multi-chunk");
        ArrayNode out = json.createArrayNode();
        Adder add = (name, expected, from, derivation, s3ecRefuses, change) -> {
            Stored s = change.apply(base.get(from));
            ObjectNode n = out.addObject();
            n.put("name", name);
            n.put("expected", expected);
            n.put("base", from);
            n.put("derivation", derivation);
            n.put("s3ecRefuses", s3ecRefuses);
            n.put("body", S3ecVectors.HEX.formatHex(s.body()));
            ObjectNode m = n.putObject("metadata");
            s.metadata().forEach(m::put);
        };
        add.add("v3-body-byte-flipped", "SEGMENT_MODIFIED", "v3-multi-chunk", "bit 0 of body byte 500 flipped", true,
                s -> s.withBody(flip(s.body(), 500)));
        add.add("v3-tag-byte-flipped", "SEGMENT_MODIFIED", "v3-multi-chunk", "bit 0 of the last body byte (the tag)"
                + " flipped", true, s -> s.withBody(flip(s.body(), s.body().length - 1)));
        add.add("v3-cut", "SEGMENT_MODIFIED", "v3-multi-chunk", "the last 100 bytes removed (the stored length"
                + " agrees)", true, s -> s.withBody(Arrays.copyOf(s.body(), s.body().length - 100)));
        add.add("v3-extended", "SEGMENT_MODIFIED", "v3-multi-chunk", "one zero byte appended (the stored length"
                + " agrees)", true, s -> s.withBody(Arrays.copyOf(s.body(), s.body().length + 1)));
        add.add("v3-shorter-than-a-tag", "TRUNCATED", "v3-multi-chunk", "the body cut to its first 15 bytes", true,
                s -> s.withBody(Arrays.copyOf(s.body(), 15)));
        add.add("v3-message-id-changed", "WRONG_DEK", "v3-multi-chunk", "bit 0 of x-amz-i's first byte flipped",
                true, s -> s.with("x-amz-i", flipB64(s.metadata().get("x-amz-i"))));
        add.add("v3-commitment-changed", "WRONG_DEK", "v3-multi-chunk", "bit 0 of x-amz-d's first byte flipped",
                true, s -> s.with("x-amz-d", flipB64(s.metadata().get("x-amz-d"))));
        add.add("v3-dek-of-another-object", "WRONG_DEK", "v3-multi-chunk", "x-amz-3 of v3-one-chunk", true,
                s -> s.with("x-amz-3", base.get("v3-one-chunk").metadata().get("x-amz-3")));
        add.add("v3-dek-wrapped-for-v2", "UNWRAP_FAILED", "v3-multi-chunk", "x-amz-3 of v2-multi-chunk (its wrap's"
                + " AAD is AES/GCM/NoPadding, not 115)", true, s -> s.with("x-amz-3", v2.metadata().get("x-amz-key-v2")));
        add.add("v3-wrapped-dek-changed", "UNWRAP_FAILED", "v3-multi-chunk", "bit 0 of x-amz-3's byte 20 flipped",
                true, s -> s.with("x-amz-3", flipB64At(s.metadata().get("x-amz-3"), 20)));
        add.add("v3-unknown-suite", "UNSUPPORTED_ALGORITHM", "v3-multi-chunk", "x-amz-c = 116", true,
                s -> s.with("x-amz-c", "116"));
        add.add("v3-rsa-wrap", "UNSUPPORTED_ALGORITHM", "v3-multi-chunk", "x-amz-w = 22 (RSA-OAEP-SHA1)", true,
                s -> s.with("x-amz-w", "22"));
        add.add("v3-short-message-id", "MALFORMED_METADATA", "v3-multi-chunk", "x-amz-i of 27 bytes", true,
                s -> s.with("x-amz-i", Base64.getEncoder().encodeToString(new byte[27])));
        add.add("v3-two-data-keys", "MALFORMED_METADATA", "v3-multi-chunk", "x-amz-key-v2 added beside x-amz-3", true,
                s -> s.with("x-amz-key-v2", v2.metadata().get("x-amz-key-v2")));
        add.add("v3-format-contradicted", "MALFORMED_METADATA", "v3-multi-chunk", "srrrs-format = s3ec-v2 (S3EC"
                + " ignores srrrs-* keys and reads the object)", false, s -> s.with("srrrs-format", "s3ec-v2"));
        add.add("v2-body-byte-flipped", "SEGMENT_MODIFIED", "v2-multi-chunk", "bit 0 of body byte 500 flipped", true,
                s -> s.withBody(flip(s.body(), 500)));
        add.add("v2-iv-changed", "SEGMENT_MODIFIED", "v2-multi-chunk", "bit 0 of x-amz-iv's first byte flipped",
                true, s -> s.with("x-amz-iv", flipB64(s.metadata().get("x-amz-iv"))));
        add.add("v2-dek-of-another-object", "SEGMENT_MODIFIED", "v2-multi-chunk", "x-amz-key-v2 of v2-empty (V2 has"
                + " no commitment: only the tag can tell)", true,
                s -> s.with("x-amz-key-v2", base.get("v2-empty").metadata().get("x-amz-key-v2")));
        add.add("v2-dek-wrapped-for-v3", "UNWRAP_FAILED", "v2-multi-chunk", "x-amz-key-v2 of v3-multi-chunk (its"
                + " wrap's AAD is 115)", true, s -> s.with("x-amz-key-v2", v3.metadata().get("x-amz-3")));
        add.add("v2-cbc", "UNSUPPORTED_ALGORITHM", "v2-multi-chunk", "x-amz-cek-alg = AES/CBC/PKCS5Padding", true,
                s -> s.with("x-amz-cek-alg", "AES/CBC/PKCS5Padding"));
        add.add("v1-legacy", "UNSUPPORTED_VERSION", "v2-multi-chunk", "x-amz-key-v2 renamed x-amz-key (S3EC V1)",
                true, s -> s.with("x-amz-key", s.metadata().get("x-amz-key-v2")).with("x-amz-key-v2", null));
        return out;
    }

    @FunctionalInterface
    private interface Adder {
        void add(String name, String expected, String base, String derivation, boolean s3ecRefuses,
                 UnaryOperator<Stored> change);
    }

    static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 1;
        return c;
    }

    static String flipB64(String b64) {
        return flipB64At(b64, 0);
    }

    static String flipB64At(String b64, int at) {
        return Base64.getEncoder().encodeToString(flip(Base64.getDecoder().decode(b64), at));
    }
}
