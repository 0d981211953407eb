package io.srrrs.crypto.s3ec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.format.S3ecContent.Version;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KmsException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * docs/vectors/s3ec.json (docs/S3EC.md §8) is what the writer produces; the reader opens every
 * positive vector, and so does an independent reader written here from docs/S3EC.md §3 with the
 * JDK alone; every negative vector is refused with its name, buffered and in two passes.
 */
class S3ecVectorsTest {

    static JsonNode file() throws IOException {
        return new ObjectMapper().readTree(Files.readString(Path.of(System.getProperty("srrrs.docs", "../docs"),
                "vectors", "s3ec.json")));
    }

    @Test
    void theFileIsWhatTheWriterProduces() throws IOException {
        ObjectMapper json = S3ecVectors.mapper();
        assertThat(file()).as("run bin/format-vectors after a deliberate change").isEqualTo(S3ecVectors.buildAll(json));
    }

    @TestFactory
    Stream<DynamicTest> theReaderAndAnIndependentReaderOpenEveryVector() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : file().get("vectors")) {
            tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
                JsonNode in = v.get("inputs");
                byte[] plaintext = hex(in, "plaintext");
                S3ecNegativeVectors.Stored s = S3ecNegativeVectors.stored(v);
                assertThat(read(s, Long.MAX_VALUE)).isEqualTo(plaintext);
                assertThat(read(s, 0)).as("two passes").isEqualTo(plaintext);
                assertThat(independentRead(s)).isEqualTo(plaintext);
                ObjectMetadata meta = ObjectMetadata.fromMap(s.metadata());
                try (DataKey dek = unwrap(meta);
                     S3ecObjectDecryptor dec = S3ecObjectDecryptor.open((S3ecContent) meta.content(), dek)) {
                    assertThat(dek.material()).isEqualTo(hex(in, "dek"));
                    ObjectIdentity id = new ObjectIdentity(in.get("bucket").asText(), in.get("key").asText());
                    assertThat(dec.sseCKey(id)).isEqualTo(hex(v.get("derived"), "sseCKey"));
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyNegativeVectorIsRefusedWithItsName() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode n : file().get("negativeVectors")) {
            Failure expected = Failure.valueOf(n.get("expected").asText());
            Map<String, String> m = new LinkedHashMap<>();
            n.get("metadata").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
            S3ecNegativeVectors.Stored s = new S3ecNegativeVectors.Stored(hex(n, "body"), m);
            for (long limit : new long[] {Long.MAX_VALUE, 0}) {
                tests.add(DynamicTest.dynamicTest(n.get("name").asText() + (limit == 0 ? " (two passes)" : ""), () -> {
                    try {
                        read(s, limit);
                        fail("read although " + n.get("derivation").asText());
                    } catch (CiphertextException e) {
                        assertThat(e.failure()).as(e.getMessage()).isEqualTo(expected);
                    } catch (KmsException e) {
                        assertThat(Failure.of(e)).as(e.getMessage()).isEqualTo(expected);
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void theNegativeVectorsShowEveryRefusalAnS3ecReaderHas() throws IOException {
        Set<String> shown = new TreeSet<>();
        file().get("negativeVectors").forEach(n -> shown.add(n.get("expected").asText()));
        assertThat(shown).containsExactlyInAnyOrder("SEGMENT_MODIFIED", "TRUNCATED", "WRONG_DEK", "UNWRAP_FAILED",
                "UNSUPPORTED_ALGORITHM", "UNSUPPORTED_VERSION", "MALFORMED_METADATA");
    }

    /** The production reader: metadata, the AES/GCM unwrap, commitment, then the body. */
    static byte[] read(S3ecNegativeVectors.Stored s, long bufferLimit) throws IOException, KmsException {
        ObjectMetadata meta = ObjectMetadata.fromMap(s.metadata());
        S3ecContent content = (S3ecContent) meta.content();
        long limit = Math.min(bufferLimit, S3ecObjectDecryptor.BUFFER_LIMIT_BYTES);
        try (DataKey dek = unwrap(meta);
             S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(content, dek, limit, 48);
             InputStream in = dec.decryptVerified(s.body().length, () -> new ByteArrayInputStream(s.body()))) {
            return in.readAllBytes();
        }
    }

    /** S3EC's AES/GCM unwrap (docs/S3EC.md §3.3) under the vectors' KEK. */
    static DataKey unwrap(ObjectMetadata meta) throws IOException, KmsException {
        byte[] blob = meta.wrappedDek().blob();
        Version v = ((S3ecContent) meta.content()).version();
        try {
            return DataKey.adopt(gcm(Cipher.DECRYPT_MODE, S3ecVectors.KEK, Arrays.copyOf(blob, 12),
                    v.cekAlgorithm().getBytes(StandardCharsets.UTF_8)).doFinal(blob, 12, blob.length - 12));
        } catch (AEADBadTagException e) {
            throw new InvalidWrappedKeyException("the wrapped DEK does not open under the vectors' KEK");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** docs/S3EC.md §3.1 and §3.2 with the JDK's HMAC and GCM, none of the project's code. */
    static byte[] independentRead(S3ecNegativeVectors.Stored s) throws Exception {
        Map<String, String> m = s.metadata();
        java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
        boolean v3 = m.containsKey("x-amz-3");
        byte[] wrapped = b64.decode(m.get(v3 ? "x-amz-3" : "x-amz-key-v2"));
        byte[] dek = gcm(Cipher.DECRYPT_MODE, S3ecVectors.KEK, Arrays.copyOf(wrapped, 12),
                (v3 ? "115" : "AES/GCM/NoPadding").getBytes(StandardCharsets.UTF_8))
                .doFinal(wrapped, 12, wrapped.length - 12);
        if (!v3) {
            return gcm(Cipher.DECRYPT_MODE, dek, b64.decode(m.get("x-amz-iv")), null).doFinal(s.body());
        }
        Mac extract = Mac.getInstance("HmacSHA512");
        extract.init(new SecretKeySpec(b64.decode(m.get("x-amz-i")), "HmacSHA512"));
        byte[] prk = extract.doFinal(dek);
        byte[] contentKey = Arrays.copyOf(expandOneBlock(prk, "DERIVEKEY"), 32);
        byte[] commitment = Arrays.copyOf(expandOneBlock(prk, "COMMITKEY"), 28);
        assertThat(commitment).isEqualTo(b64.decode(m.get("x-amz-d")));
        byte[] iv = new byte[12];
        Arrays.fill(iv, (byte) 1);
        return gcm(Cipher.DECRYPT_MODE, contentKey, iv, new byte[] {0x00, 0x73}).doFinal(s.body());
    }

    /** HKDF-Expand's first block: HMAC(PRK, info ‖ 0x01), info = 0x00 0x73 ‖ label. */
    static byte[] expandOneBlock(byte[] prk, String label) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(prk, "HmacSHA512"));
        mac.update(new byte[] {0x00, 0x73});
        mac.update(label.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 1);
        return mac.doFinal();
    }

    static Cipher gcm(int mode, byte[] key, byte[] iv, byte[] aad) throws java.security.GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        if (aad != null) {
            c.updateAAD(aad);
        }
        return c;
    }

    static byte[] hex(JsonNode node, String field) {
        return S3ecVectors.HEX.parseHex(node.get(field).asText());
    }
}
