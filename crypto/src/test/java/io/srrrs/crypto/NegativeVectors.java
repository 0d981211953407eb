package io.srrrs.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The negative vectors of docs/vectors/format-v1.json (docs/FORMAT.md §10): objects derived from
 * the positive vectors by one documented change each, with the error a reader must name. The
 * expected names are written here by hand from FORMAT.md, never computed by a reader: the tests
 * then check both readers against them.
 */
final class NegativeVectors {

    private static final int H = 130;
    private static final int CT = 64 + 16; // S = 64 in every base used here

    private final ObjectMapper json;
    private final Map<String, JsonNode> positives = new LinkedHashMap<>();
    private final ArrayNode out;

    private NegativeVectors(ObjectMapper json, ArrayNode positiveVectors) {
        this.json = json;
        positiveVectors.forEach(v -> positives.put(v.get("name").asText(), v));
        this.out = json.createArrayNode();
    }

    /** Every negative vector, from the positive ones just built. */
    static ArrayNode build(ObjectMapper json, ArrayNode positiveVectors) {
        NegativeVectors n = new NegativeVectors(json, positiveVectors);
        n.segments();
        n.header();
        n.keys();
        n.metadata();
        n.bodies();
        n.ranges();
        return n.out;
    }

    // ---- the cases ------------------------------------------------------------------------------

    private void segments() {
        String m = "multi-segment";
        String e = "exact-segment";
        add("segment-body-byte-flipped", "SEGMENT_MODIFIED", m, "object byte 215 (segment 1, byte 5) XOR 0x01",
                flip(obj(m), H + CT + 5), meta(m), reader(m));
        add("segment-tag-flipped", "SEGMENT_MODIFIED", m, "last object byte (segment 3's tag) XOR 0x01",
                flip(obj(m), obj(m).length - 1), meta(m), reader(m));
        add("truncated-at-segment-boundary", "TRUNCATED", m, "first 370 bytes: header and segments 0-2; segment 2 "
                + "authenticates only with last = 0", cut(obj(m), H + 3 * CT), meta(m), reader(m));
        add("truncated-inside-tag", "TRUNCATED", m, "first 380 bytes: a 10-byte tail after segment 2 (length rule)",
                cut(obj(m), H + 3 * CT + 10), meta(m), reader(m));
        add("truncated-deeper-in-segment", "SEGMENT_MODIFIED", m, "first 330 bytes: segment 2 cut to 40 bytes",
                cut(obj(m), H + 2 * CT + 40), meta(m), reader(m));
        add("truncated-to-header", "TRUNCATED", m, "first 130 bytes: the header alone (length rule)",
                cut(obj(m), H), meta(m), reader(m));
        add("extended-by-1-byte", "TRUNCATED", e, "one 0x00 byte appended after the full final segment: a tail "
                + "shorter than a tag (length rule)", cat(obj(e), new byte[1]), meta(e), reader(e));
        add("extended-by-15-bytes", "TRUNCATED", e, "15 0x00 bytes appended after the full final segment (length rule)",
                cat(obj(e), new byte[15]), meta(e), reader(e));
        add("extended-by-16-bytes", "EXTENDED", e, "16 0x00 bytes appended: segment 0 authenticates only as final",
                cat(obj(e), new byte[16]), meta(e), reader(e));
        add("extended-by-a-whole-segment", "EXTENDED", e, "segment 0 (object bytes 130-209) appended again",
                cat(obj(e), Arrays.copyOfRange(obj(e), H, H + CT)), meta(e), reader(e));
        add("extended-short-final-segment", "SEGMENT_MODIFIED", m, "one 0x00 byte appended after the 24-byte "
                + "final segment, which so becomes 25 bytes", cat(obj(m), new byte[1]), meta(m), reader(m));
        add("segments-swapped", "SEGMENT_OUT_OF_ORDER", m, "segments 1 and 2 swapped: order 0, 2, 1, 3",
                segmentsInOrder(m, 0, 2, 1, 3), meta(m), reader(m));
        add("segment-repeated", "SEGMENT_OUT_OF_ORDER", m, "segment 0 in place of segment 1: order 0, 0, 2, 3",
                segmentsInOrder(m, 0, 0, 2, 3), meta(m), reader(m));
        add("final-segment-moved-forward", "SEGMENT_OUT_OF_ORDER", m, "segments 0 and 3 only: position 1 holds "
                + "segment 3, which authenticates as (3, last = 1)", segmentsInOrder(m, 0, 3), meta(m), reader(m));
    }

    private void header() {
        String m = "multi-segment";
        headerField("header-version-2", "UNSUPPORTED_VERSION", "byte 5 (version) = 0x02", h -> set(h, 5, 2));
        headerField("header-algorithm-2", "UNSUPPORTED_ALGORITHM", "byte 6 (algorithm) = 0x02", h -> set(h, 6, 2));
        headerField("header-magic-changed", "NOT_ENCRYPTED", "byte 0 = 0x73 ('s')", h -> set(h, 0, 0x73));
        headerField("header-segment-size-63", "MALFORMED_HEADER", "S (bytes 7-10) = 63", h -> putInt(h, 7, 63));
        headerField("header-segment-size-0", "MALFORMED_HEADER", "S = 0", h -> putInt(h, 7, 0));
        headerField("header-segment-size-too-large", "MALFORMED_HEADER", "S = 16 777 217", h -> putInt(h, 7, 16_777_217));
        headerField("header-segment-size-65", "HEADER_MODIFIED", "S = 65: in range, the length rule passes, the "
                + "commitment fails", h -> putInt(h, 7, 65));
        headerField("header-salt-flipped", "WRONG_DEK", "byte 11 (salt) XOR 0x01", h -> flip(h, 11));
        headerField("header-nonce-prefix-flipped", "HEADER_MODIFIED", "byte 43 (nonce prefix) XOR 0x01", h -> flip(h, 43));
        headerField("header-key-check-flipped", "WRONG_DEK", "byte 50 (key check) XOR 0x01", h -> flip(h, 50));
        headerField("header-identity-check-flipped", "WRONG_IDENTITY", "byte 66 (identity check) XOR 0x01",
                h -> flip(h, 66));
        headerField("header-context-check-flipped", "WRONG_CONTEXT", "byte 82 (context check) XOR 0x01", h -> flip(h, 82));
        headerField("header-commitment-flipped", "HEADER_MODIFIED", "byte 98 (commitment) XOR 0x01", h -> flip(h, 98));
        add("body-header-differs-from-metadata", "HEADER_MISMATCH", m, "object byte 45 (the body's nonce prefix) "
                + "XOR 0x01; srrrs-header unchanged", flip(obj(m), 45), meta(m), reader(m));
    }

    /** The same change to the body's header and to srrrs-header, so the change meets the §2/§4 checks. */
    private void headerField(String name, String expected, String change, UnaryOperator<byte[]> f) {
        String m = "multi-segment";
        byte[] object = obj(m);
        byte[] header = f.apply(Arrays.copyOf(object, H));
        System.arraycopy(header, 0, object, 0, H);
        ObjectNode meta = meta(m);
        meta.put("srrrs-header", Base64.getEncoder().encodeToString(header));
        add(name, expected, m, change + ", in the body and in srrrs-header alike", object, meta, reader(m));
    }

    private void keys() {
        String m = "multi-segment";
        add("wrong-dek", "WRONG_DEK", "one-byte", "srrrs-wrapped-dek of vector 'empty' (same KEK and context): "
                + "it unwraps, to another DEK", obj("one-byte"), with(meta("one-byte"), "srrrs-wrapped-dek",
                meta("empty").get("srrrs-wrapped-dek").asText()), reader("one-byte"));
        ObjectNode elsewhere = reader(m);
        elsewhere.put("key", "dir/other.bin");
        add("wrong-identity", "WRONG_IDENTITY", m, "read as vectors/dir/other.bin instead of vectors/dir/multi.bin",
                obj(m), meta(m), elsewhere);
        ObjectNode holdsDek = reader(m);
        holdsDek.put("dek", positives.get(m).get("inputs").get("dek").asText());
        add("wrong-context", "WRONG_CONTEXT", m, "srrrs-context = tenant=acme (env dropped); the reader holds the "
                + "right DEK itself, so no unwrap binds the context", obj(m), with(meta(m), "srrrs-context",
                "tenant=acme"), holdsDek);
        add("wrong-context-unwrap", "UNWRAP_FAILED", m, "srrrs-context = tenant=acme (env dropped): the local wrap "
                + "binds C (§7.1), so the DEK does not unwrap", obj(m), with(meta(m), "srrrs-context", "tenant=acme"),
                reader(m));
        add("wrapped-dek-flipped", "UNWRAP_FAILED", m, "wrapped-DEK blob byte 20 XOR 0x01", obj(m),
                with(meta(m), "srrrs-wrapped-dek", b64(flip(blob(m), 20))), reader(m));
        add("wrapped-dek-not-a-local-blob", "UNWRAP_FAILED", m, "wrapped-DEK blob's first byte (blob version) = 0x02",
                obj(m), with(meta(m), "srrrs-wrapped-dek", b64(set(blob(m), 0, 2))), reader(m));
        add("kek-version-unknown", "UNKNOWN_KEK", m, "wrapped-DEK blob's kekVersion (bytes 1-4) = 2", obj(m),
                with(meta(m), "srrrs-wrapped-dek", b64(putInt(blob(m), 1, 2))), reader(m));
        ObjectNode anyKek = reader(m);
        anyKek.putArray("allowedKeks").add("*");
        add("kek-unknown", "UNKNOWN_KEK", m, "srrrs-kek-id = retired, which the keystore does not hold; the reader "
                + "allows any KEK", obj(m), with(meta(m), "srrrs-kek-id", "retired"), anyKek);
        add("kek-not-allowed", "KEK_NOT_ALLOWED", m, "srrrs-kek-id = attacker; the reader allows only 'vectors'",
                obj(m), with(meta(m), "srrrs-kek-id", "attacker"), reader(m));
        add("kms-not-the-readers", "UNKNOWN_KMS", m, "srrrs-kms = aws-kms (a v1 type, not the reader's 'local')",
                obj(m), with(meta(m), "srrrs-kms", "aws-kms"), reader(m));
        add("kms-unknown-type", "UNKNOWN_KMS", m, "srrrs-kms = gcp-kms (not a v1 type)", obj(m),
                with(meta(m), "srrrs-kms", "gcp-kms"), reader(m));
    }

    private void metadata() {
        String m = "multi-segment";
        String header = meta(m).get("srrrs-header").asText();
        ObjectNode noHeader = meta(m);
        noHeader.remove("srrrs-header");
        add("metadata-no-header", "NOT_ENCRYPTED", m, "srrrs-header removed", obj(m), noHeader, reader(m));
        add("metadata-none", "NOT_ENCRYPTED", null, "a plaintext object with a producer label and no srrrs-* metadata",
                ascii("just some plaintext"), json.createObjectNode().put("owner", "someone"), reader(m));
        add("metadata-header-unpadded", "MALFORMED_METADATA", m, "srrrs-header without its '==' padding", obj(m),
                with(meta(m), "srrrs-header", header.substring(0, header.length() - 2)), reader(m));
        add("metadata-header-nonzero-trailing-bits", "MALFORMED_METADATA", m, "srrrs-header's last 'UA==' spelt "
                + "'UB==' (same bytes, not canonical)", obj(m), with(meta(m), "srrrs-header",
                header.substring(0, header.length() - 3) + "B=="), reader(m));
        add("metadata-header-not-base64", "MALFORMED_METADATA", m, "srrrs-header = 'not base64!'", obj(m),
                with(meta(m), "srrrs-header", "not base64!"), reader(m));
        add("metadata-header-129-bytes", "MALFORMED_METADATA", m, "srrrs-header = base64 of the first 129 header bytes",
                obj(m), with(meta(m), "srrrs-header", b64(Arrays.copyOf(obj(m), H - 1))), reader(m));
        add("metadata-header-131-bytes", "MALFORMED_METADATA", m, "srrrs-header = base64 of the first 131 object bytes",
                obj(m), with(meta(m), "srrrs-header", b64(Arrays.copyOf(obj(m), H + 1))), reader(m));
        add("metadata-header-magic-only", "MALFORMED_METADATA", m, "srrrs-header = base64('SRRRS')", obj(m),
                with(meta(m), "srrrs-header", b64(ascii("SRRRS"))), reader(m));
        ObjectNode noKms = meta(m);
        noKms.remove("srrrs-kms");
        add("metadata-no-kms", "MALFORMED_METADATA", m, "srrrs-kms removed", obj(m), noKms, reader(m));
        add("metadata-kms-bad-spelling", "MALFORMED_METADATA", m, "srrrs-kms = Local (upper case)", obj(m),
                with(meta(m), "srrrs-kms", "Local"), reader(m));
        add("metadata-kek-id-with-space", "MALFORMED_METADATA", m, "srrrs-kek-id = 'vec tors'", obj(m),
                with(meta(m), "srrrs-kek-id", "vec tors"), reader(m));
        String dek = meta(m).get("srrrs-wrapped-dek").asText();
        add("metadata-wrapped-dek-not-base64", "MALFORMED_METADATA", m, "srrrs-wrapped-dek with '*' after its "
                + "first 4 characters", obj(m), with(meta(m), "srrrs-wrapped-dek", dek.substring(0, 4) + "*"
                + dek.substring(4)), reader(m));
        add("metadata-context-order", "MALFORMED_METADATA", m, "srrrs-context = tenant=acme&env=test (not sorted)",
                obj(m), with(meta(m), "srrrs-context", "tenant=acme&env=test"), reader(m));
        add("metadata-context-escape", "MALFORMED_METADATA", m, "srrrs-context = env=te%73t&tenant=acme (an "
                + "unreserved 's' escaped: same context, not canonical)", obj(m), with(meta(m), "srrrs-context",
                "env=te%73t&tenant=acme"), reader(m));
        add("metadata-sse-c-bad-value", "MALFORMED_METADATA", m, "srrrs-sse-c = AES128", obj(m),
                with(meta(m), "srrrs-sse-c", "AES128"), reader(m));
    }

    /** A body read on its own (a downloaded file): only §2 applies, so the names are §2's. */
    private void bodies() {
        String m = "multi-segment";
        byte[][] inputs = {new byte[0], ascii("SRRR"), ascii("SRRRS"), cat(ascii("SRRRS"), new byte[] {1}),
                cat(ascii("SRRRS"), new byte[] {2}), cat(ascii("SRRRS"), new byte[] {1, 1}),
                cat(ascii("SRRRS"), new byte[] {2, 1}), ascii("hello, plaintext"), Arrays.copyOf(obj(m), H - 1)};
        String[] names = {"body-0-bytes", "body-4-bytes", "body-5-bytes-magic", "body-6-bytes", "body-6-bytes-version-2",
                "body-7-bytes", "body-7-bytes-version-2", "body-plaintext", "body-129-bytes"};
        String[] expected = {"NOT_ENCRYPTED", "NOT_ENCRYPTED", "TRUNCATED", "TRUNCATED", "TRUNCATED", "TRUNCATED",
                "UNSUPPORTED_VERSION", "NOT_ENCRYPTED", "TRUNCATED"};
        for (int i = 0; i < inputs.length; i++) {
            ObjectNode r = reader(m);
            r.put("mode", "body");
            add(names[i], expected[i], null, "the body alone, " + inputs[i].length + " bytes", inputs[i],
                    json.createObjectNode(), r);
        }
        add("object-body-empty", "TRUNCATED", m, "a 0-byte body under valid metadata (length rule)", new byte[0],
                meta(m), reader(m));
        add("object-body-not-encrypted", "NOT_ENCRYPTED", m, "394 bytes of 0x41 ('A') under valid metadata",
                filled(obj(m).length, 0x41), meta(m), reader(m));
    }

    private void ranges() {
        String m = "multi-segment";
        add("range-reversed", "INVALID_RANGE", m, "plaintext range [10, 5)", obj(m), meta(m), range(m, 10, 5));
        add("range-beyond-the-end", "INVALID_RANGE", m, "plaintext range [201, 210) of 200 bytes", obj(m), meta(m),
                range(m, 201, 210));
        add("range-touching-the-cut-final-segment", "TRUNCATED", m, "first 370 bytes (as truncated-at-segment-"
                + "boundary); range [190, 192), in segment 2, the physically last", cut(obj(m), H + 3 * CT), meta(m),
                range(m, 190, 192));
        add("range-over-swapped-segments", "SEGMENT_OUT_OF_ORDER", m, "as segments-swapped; range [64, 74)",
                segmentsInOrder(m, 0, 2, 1, 3), meta(m), range(m, 64, 74));
        add("range-not-touching-the-cut", "NONE", m, "first 370 bytes (as truncated-at-segment-boundary); range "
                + "[0, 10) is in segment 0 and reads correctly: a range read trusts the length (§5.2)",
                cut(obj(m), H + 3 * CT), meta(m), range(m, 0, 10));
        ((ObjectNode) out.get(out.size() - 1)).put("plaintext",
                FormatVectors.HEX.formatHex(Arrays.copyOf(FormatVectors.plaintext(200), 10)));
    }

    // ---- building blocks ------------------------------------------------------------------------

    private void add(String name, String expected, String base, String derivation, byte[] object, ObjectNode metadata,
                     ObjectNode reader) {
        ObjectNode v = out.addObject();
        v.put("name", name);
        v.put("expected", expected);
        if (base != null) {
            v.put("base", base);
        }
        v.put("derivation", derivation);
        v.put("object", FormatVectors.HEX.formatHex(object));
        v.set("metadata", metadata);
        v.set("reader", reader);
    }

    private byte[] obj(String name) {
        return FormatVectors.HEX.parseHex(positives.get(name).get("outputs").get("object").asText());
    }

    private ObjectNode meta(String name) {
        return positives.get(name).get("outputs").get("metadata").deepCopy();
    }

    private byte[] blob(String name) {
        return Base64.getDecoder().decode(meta(name).get("srrrs-wrapped-dek").asText());
    }

    /** The reader of a whole object: as the vector's bucket and key, its KMS the local keystore, only 'vectors' allowed. */
    private ObjectNode reader(String name) {
        JsonNode in = positives.get(name).get("inputs");
        ObjectNode r = json.createObjectNode();
        r.put("mode", "object");
        r.put("bucket", in.get("bucket").asText());
        r.put("key", in.get("key").asText());
        r.put("kms", "local");
        r.putArray("allowedKeks").add(FormatVectors.KEK_NAME);
        return r;
    }

    private ObjectNode range(String name, long from, long to) {
        ObjectNode r = reader(name);
        r.put("mode", "range");
        r.putObject("range").put("from", from).put("to", to);
        return r;
    }

    private byte[] segmentsInOrder(String name, int... order) {
        byte[] o = obj(name);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(o, 0, H);
        for (int i : order) {
            int start = H + i * CT;
            b.write(o, start, Math.min(o.length, start + CT) - start);
        }
        return b.toByteArray();
    }

    private static ObjectNode with(ObjectNode meta, String key, String value) {
        meta.put(key, value);
        return meta;
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x01;
        return c;
    }

    private static byte[] set(byte[] b, int at, int value) {
        byte[] c = b.clone();
        c[at] = (byte) value;
        return c;
    }

    private static byte[] putInt(byte[] b, int at, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).putInt(at, value);
        return c;
    }

    private static byte[] cut(byte[] b, int length) {
        return Arrays.copyOf(b, length);
    }

    private static byte[] cat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** Names FORMAT.md gives that no v1 vector can show: the KMS's state, and the range refusal of S3EC objects (S3EC.md §8 has its own). */
    static final List<String> NOT_SHOWN_BY_A_VECTOR = List.of("KMS_FAILED", "RANGE_NOT_AUTHENTICATED");
}
