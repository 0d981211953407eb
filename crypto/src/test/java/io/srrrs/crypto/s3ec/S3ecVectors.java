package io.srrrs.crypto.s3ec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.format.S3ecContent.Version;
import io.srrrs.crypto.format.S3ecContent.WrapAlgorithm;
import io.srrrs.crypto.internal.S3ecKeys;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds docs/vectors/s3ec.json (docs/S3EC.md §8) from fixed inputs with the project's writer;
 * the wrapped DEK is S3EC's AES/GCM wrap computed here with the JDK alone, under a fixed wrap IV.
 * {@code bin/format-vectors} rewrites the file; {@link S3ecVectorsTest} fails whenever code and
 * file disagree. The negative vectors come from {@link S3ecNegativeVectors}.
 */
final class S3ecVectors {

    static final HexFormat HEX = HexFormat.of();
    /** The KEK every vector's DEK is wrapped under (the same bytes as format v1's vector KEK). */
    static final byte[] KEK = sequence(0x40, 32);
    static final String KEK_NAME = "vectors";
    static final String BUCKET = "vectors";

    record Case(String name, Version version, int plaintextLength, int maxChunkBytes, String description) {
        String key() {
            return "s3ec/" + name + ".bin";
        }
    }

    static final List<Case> CASES = List.of(
            new Case("v3-empty", Version.V3, 0, 64, "V3, no plaintext: the body is the tag alone"),
            new Case("v3-one-chunk", Version.V3, 100, 1024, "V3, one chunk record"),
            new Case("v3-multi-chunk", Version.V3, 1000, 64, "V3, written as 22 chunk records of at most 64 bytes:"
                    + " the body is the same one GCM message"),
            new Case("v2-empty", Version.V2, 0, 64, "V2, no plaintext"),
            new Case("v2-multi-chunk", Version.V2, 1000, 64, "V2, written as 22 chunk records of at most 64 bytes"));

    private S3ecVectors() {
    }

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

    static byte[] dek(int index) {
        return sequence(0x10 + index * 8, 32);
    }

    static byte[] nonce(int index, Version v) {
        return sequence(0xA0 + index, v.nonceLength());
    }

    static byte[] wrapIv(int index) {
        return sequence(0x60 + index, 12);
    }

    /** S3EC's AES/GCM wrap: {@code iv ‖ AES-256-GCM(KEK, iv, AAD = cek algorithm, DEK) ‖ tag}. */
    static byte[] wrap(byte[] kek, byte[] iv, Version v, byte[] dek) {
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, iv));
            gcm.updateAAD(v.cekAlgorithm().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = gcm.doFinal(dek);
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One vector: the writer's body, chunked as the case says, and its metadata map. */
    static ObjectNode build(int index, Case c, ObjectMapper json) throws IOException {
        byte[] plaintext = plaintext(c.plaintextLength());
        byte[] dek = dek(index);
        byte[] nonce = nonce(index, c.version());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        S3ecContent content;
        byte[] sseCKey;
        ObjectIdentity id = new ObjectIdentity(BUCKET, c.key());
        try (S3ecObjectEncryptor enc = S3ecObjectEncryptor.withNonce(DataKey.copyOf(dek), c.version(),
                WrapAlgorithm.AES_GCM, bytes -> { }, nonce);
             S3ecChunks chunks = enc.chunks(new ByteArrayInputStream(plaintext), c.maxChunkBytes(), plaintext.length)) {
            for (CiphertextChunk chunk = chunks.next(); chunk != null; chunk = chunks.next()) {
                body.writeBytes(chunk.bytes());
            }
            content = enc.content();
            sseCKey = enc.sseCKey(id);
        }
        WrappedDek wrapped = new WrappedDek("local", new KekId(KEK_NAME), wrap(KEK, wrapIv(index), c.version(), dek));
        Map<String, String> metadata = new ObjectMetadata(content, wrapped, EncryptionContext.of(Map.of()), false)
                .toMap();
        ObjectNode v = json.createObjectNode();
        v.put("name", c.name());
        v.put("description", c.description());
        ObjectNode in = v.putObject("inputs");
        in.put("version", c.version().name());
        in.put("plaintext", HEX.formatHex(plaintext));
        in.put("dek", HEX.formatHex(dek));
        in.put(c.version() == Version.V3 ? "messageId" : "iv", HEX.formatHex(nonce));
        in.put("wrapIv", HEX.formatHex(wrapIv(index)));
        in.put("maxChunkBytes", c.maxChunkBytes());
        in.put("bucket", BUCKET);
        in.put("key", c.key());
        ObjectNode derived = v.putObject("derived");
        if (c.version() == Version.V3) {
            try (S3ecKeys keys = S3ecKeys.derive(Version.V3, dek, nonce)) {
                derived.put("commitment", HEX.formatHex(keys.commitment()));
            }
        }
        derived.put("wrappedDek", HEX.formatHex(wrapped.blob()));
        derived.put("sseCKey", HEX.formatHex(sseCKey));
        ObjectNode out = v.putObject("outputs");
        out.put("body", HEX.formatHex(body.toByteArray()));
        ObjectNode meta = out.putObject("metadata");
        metadata.forEach(meta::put);
        return v;
    }

    static ObjectNode buildAll(ObjectMapper json) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("format", "S3EC V3 and V2 objects as the pipeline writes them (docs/S3EC.md)");
        root.put("warning", "Fixed DEKs, nonces and wrap IVs: for tests only, never for real data.");
        ObjectNode kek = root.putObject("kek");
        kek.put("name", KEK_NAME);
        kek.put("key", HEX.formatHex(KEK));
        ArrayNode vectors = root.putArray("vectors");
        for (int i = 0; i < CASES.size(); i++) {
            vectors.add(build(i, CASES.get(i), json));
        }
        root.set("negativeVectors", S3ecNegativeVectors.build(vectors, json));
        return root;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes the file: {@code bin/format-vectors} runs this. */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "docs/vectors/s3ec.json");
        ObjectMapper json = mapper();
        Files.writeString(target, json.writeValueAsString(buildAll(json)) + "\n");
    }
}
