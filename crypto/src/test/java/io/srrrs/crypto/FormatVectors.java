package io.srrrs.crypto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.internal.Hkdf;
import io.srrrs.crypto.internal.ObjectKeys;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekUsage;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the test vectors of docs/vectors/format-v1.json from fixed inputs. Run
 * {@code bin/format-vectors} to rewrite the file after a deliberate format change (which also
 * means a new format version); {@link FormatVectorsTest} fails whenever code and file disagree.
 */
final class FormatVectors {

    static final HexFormat HEX = HexFormat.of();

    record Case(String name, int segmentSize, int plaintextLength, String bucket, String key,
                Map<String, String> context, String description) {
    }

    static final byte[] KEK = sequence(0x40, 32);
    static final String KEK_NAME = "vectors";
    static final int KEK_VERSION = 1;

    static final List<Case> CASES = List.of(
            new Case("empty", 64, 0, "vectors", "empty.bin", Map.of("tenant", "acme"),
                    "one empty final segment (just a tag)"),
            new Case("one-byte", 64, 1, "vectors", "one-byte.bin", Map.of("tenant", "acme"),
                    "a short final segment"),
            new Case("exact-segment", 64, 64, "vectors", "exact.bin", Map.of(),
                    "one full final segment, no empty segment after it; empty context"),
            new Case("multi-segment", 64, 200, "vectors", "dir/multi.bin", Map.of("tenant", "acme", "env", "test"),
                    "three full segments and a final one of 8 bytes"),
            new Case("unicode-context", 4096, 10_000, "vectors-eu", "données/2026/é.bin",
                    orderedMap("tenant", "acme", "data class", "pii/é", "Zone", "eu-west"),
                    "context ordering and escaping, UTF-8 object key, 4096-byte segments"));

    static byte[] sequence(int start, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (start + i);
        }
        return b;
    }

    static byte[] plaintext(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    /** Fixed DEK, salt and prefix per case, distinct between cases. */
    static byte[] dek(int caseIndex) {
        return sequence(caseIndex * 16, 32);
    }

    static byte[] salt(int caseIndex) {
        return sequence(0x80 + caseIndex, 32);
    }

    static byte[] prefix(int caseIndex) {
        return sequence(0xA0 + caseIndex, 7);
    }

    /** Encrypts one case with the project's own writer. */
    static ObjectNode build(int index, Case c, ObjectMapper json) throws IOException {
        ObjectIdentity identity = new ObjectIdentity(c.bucket(), c.key());
        EncryptionContext context = EncryptionContext.of(c.context());
        byte[] plaintext = plaintext(c.plaintextLength());
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        FormatHeader header;
        try (DataKey dek = DataKey.copyOf(dek(index));
             ObjectEncryptor enc = ObjectEncryptor.withFixedRandomness(dek, identity, context, c.segmentSize(),
                     DekUsage.NONE, salt(index), prefix(index))) {
            header = enc.header();
            try (OutputStream out = enc.encryptingStream(object)) {
                out.write(plaintext);
            }
        }
        byte[] prk = Hkdf.extract(salt(index), dek(index));
        byte[] contentKey;
        byte[] sseCKey;
        try (ObjectKeys keys = ObjectKeys.derive(dek(index), salt(index), header.parameterBytes(), identity, context)) {
            contentKey = keys.contentKey().getEncoded();
            sseCKey = keys.sseCKey();
        }
        byte[] blob = LocalKeystoreKms.wrapBlob(KEK_NAME, KEK_VERSION, KEK, dek(index), context);
        ObjectMetadata metadata = new ObjectMetadata(header, new WrappedDek("local", new KekId(KEK_NAME), blob), context);

        ObjectNode v = json.createObjectNode();
        v.put("name", c.name());
        v.put("description", c.description());
        ObjectNode in = v.putObject("inputs");
        in.put("dek", HEX.formatHex(dek(index)));
        in.put("salt", HEX.formatHex(salt(index)));
        in.put("noncePrefix", HEX.formatHex(prefix(index)));
        in.put("segmentSize", c.segmentSize());
        in.put("bucket", c.bucket());
        in.put("key", c.key());
        ObjectNode ctx = in.putObject("context");
        context.asMap().forEach(ctx::put);
        in.put("plaintext", HEX.formatHex(plaintext));
        ObjectNode d = v.putObject("derived");
        d.put("P", HEX.formatHex(header.parameterBytes()));
        d.put("I", HEX.formatHex(identity.canonicalBytes()));
        d.put("C", HEX.formatHex(context.canonicalBytes()));
        d.put("prk", HEX.formatHex(prk));
        d.put("keyCheck", HEX.formatHex(header.keyCheck()));
        d.put("identityCheck", HEX.formatHex(header.identityCheck()));
        d.put("contextCheck", HEX.formatHex(header.contextCheck()));
        d.put("commitment", HEX.formatHex(header.commitment()));
        d.put("contentKey", HEX.formatHex(contentKey));
        d.put("sseCKey", HEX.formatHex(sseCKey));
        ObjectNode out = v.putObject("outputs");
        out.put("header", HEX.formatHex(header.toBytes()));
        out.put("object", HEX.formatHex(object.toByteArray()));
        out.put("objectLength", object.size());
        ObjectNode meta = out.putObject("metadata");
        metadata.toMap().forEach(meta::put);
        return v;
    }

    static ObjectNode buildAll(ObjectMapper json) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("format", "SRRRS object format v1 (docs/FORMAT.md)");
        root.put("warning", "Fixed DEKs, salts and nonce prefixes: for tests only, never for real data.");
        ObjectNode kek = root.putObject("localKek");
        kek.put("name", KEK_NAME);
        kek.put("version", KEK_VERSION);
        kek.put("key", HEX.formatHex(KEK));
        var vectors = root.putArray("vectors");
        for (int i = 0; i < CASES.size(); i++) {
            vectors.add(build(i, CASES.get(i), json));
        }
        root.set("negativeVectors", NegativeVectors.build(json, vectors));
        return root;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "docs/vectors/format-v1.json");
        Files.createDirectories(target.toAbsolutePath().getParent());
        ObjectMapper json = mapper();
        Files.writeString(target, json.writeValueAsString(buildAll(json)) + "\n");
        System.out.println("wrote " + target);
    }
}
