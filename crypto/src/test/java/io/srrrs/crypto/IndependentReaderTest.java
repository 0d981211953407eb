package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A second reader of format v1, written from docs/FORMAT.md alone: it uses no class of this
 * project, only the JDK's AES-GCM and AES-KWP and Bouncy Castle's HKDF. If it opens every
 * vector, the specification says enough to write a reader, and says the same as the code.
 */
class IndependentReaderTest {

    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    Stream<DynamicTest> opensEveryVectorFromTheSpecificationAlone() throws Exception {
        JsonNode root = FormatVectorsTest.vectors();
        byte[] kek = HEX.parseHex(root.get("localKek").get("key").asText());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : root.get("vectors")) {
            tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
                JsonNode in = v.get("inputs");
                Map<String, String> meta = new TreeMap<>();
                v.get("outputs").get("metadata").properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
                byte[] object = HEX.parseHex(v.get("outputs").get("object").asText());
                byte[] plaintext = read(object, meta, kek, in.get("bucket").asText(), in.get("key").asText());
                assertThat(plaintext).isEqualTo(HEX.parseHex(in.get("plaintext").asText()));
                assertThat(HEX.formatHex(lastSseCKey)).isEqualTo(v.get("derived").get("sseCKey").asText());
            }));
        }
        return tests.stream();
    }

    /** The SSE-C key of the last object read (§8), kept to compare with the vector. */
    static byte[] lastSseCKey;

    /** §2–§8 of FORMAT.md, in order. */
    static byte[] read(byte[] object, Map<String, String> meta, byte[] kek, String bucket, String key) throws Exception {
        // §6: header from metadata, equal to the body's first 130 bytes.
        byte[] header = Base64.getDecoder().decode(meta.get("srrrs-header"));
        assertThat(Arrays.copyOf(object, 130)).isEqualTo(header);
        // §2
        assertThat(new String(header, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("SRRRS");
        assertThat(header[5]).isEqualTo((byte) 1);
        assertThat(header[6]).isEqualTo((byte) 1);
        ByteBuffer h = ByteBuffer.wrap(header);
        int s = h.getInt(7);
        byte[] salt = Arrays.copyOfRange(header, 11, 43);
        byte[] prefix = Arrays.copyOfRange(header, 43, 50);

        // §6: context, percent-decoded; §4: C.
        TreeMap<String, String> context = new TreeMap<>((a, b) -> Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        String ctx = meta.getOrDefault("srrrs-context", "");
        if (!ctx.isEmpty()) {
            for (String pair : ctx.split("&")) {
                String[] kv = pair.split("=", 2);
                context.put(java.net.URLDecoder.decode(kv[0].replace("+", "%2B"), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(kv[1].replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        u16(c, context.size());
        context.forEach((k, val) -> {
            lp16(c, k.getBytes(StandardCharsets.UTF_8));
            lp16(c, val.getBytes(StandardCharsets.UTF_8));
        });

        // §7.1: unwrap the DEK.
        byte[] blob = Base64.getDecoder().decode(meta.get("srrrs-wrapped-dek"));
        assertThat(blob[0]).isEqualTo((byte) 1);
        int kekVersion = ByteBuffer.wrap(blob).getInt(1);
        ByteArrayOutputStream wrapInfo = new ByteArrayOutputStream();
        wrapInfo.writeBytes("SRRRS local wrap v1\0".getBytes(StandardCharsets.US_ASCII));
        lp16(wrapInfo, meta.get("srrrs-kek-id").getBytes(StandardCharsets.UTF_8));
        wrapInfo.writeBytes(ByteBuffer.allocate(4).putInt(kekVersion).array());
        wrapInfo.writeBytes(c.toByteArray());
        byte[] wrapKey = hkdf(kek, null, wrapInfo.toByteArray(), 32);
        Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
        kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(wrapKey, "AES"));
        byte[] dek = kwp.doFinal(blob, 5, blob.length - 5);

        // §4: derive and check.
        byte[] p = ByteBuffer.allocate(13).put((byte) 1).put((byte) 1).putInt(s).put(prefix).array();
        ByteArrayOutputStream i = new ByteArrayOutputStream();
        lp16(i, bucket.getBytes(StandardCharsets.UTF_8));
        lp16(i, key.getBytes(StandardCharsets.UTF_8));
        byte[] bound = cat(p, i.toByteArray(), c.toByteArray());
        assertThat(MessageDigest.isEqual(hkdf(dek, salt, label("SRRRS v1 key check"), 16), Arrays.copyOfRange(header, 50, 66))).isTrue();
        assertThat(MessageDigest.isEqual(hkdf(dek, salt, cat(label("SRRRS v1 identity check"), i.toByteArray()), 16),
                Arrays.copyOfRange(header, 66, 82))).isTrue();
        assertThat(MessageDigest.isEqual(hkdf(dek, salt, cat(label("SRRRS v1 context check"), c.toByteArray()), 16),
                Arrays.copyOfRange(header, 82, 98))).isTrue();
        assertThat(MessageDigest.isEqual(hkdf(dek, salt, cat(label("SRRRS v1 commitment"), bound), 32),
                Arrays.copyOfRange(header, 98, 130))).isTrue();
        byte[] contentKey = hkdf(dek, salt, cat(label("SRRRS v1 content key"), bound), 32);
        lastSseCKey = hkdf(dek, salt, cat(label("SRRRS v1 sse-c key"), bound), 32);

        // §5: segments.
        long body = object.length - 130;
        long n = (body + s + 16 - 1) / (s + 16);
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        for (long seg = 0; seg < n; seg++) {
            int start = (int) (130 + seg * (s + 16));
            int end = (int) Math.min(object.length, start + s + 16L);
            byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt((int) seg).put((byte) (seg == n - 1 ? 1 : 0)).array();
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(contentKey, "AES"), new GCMParameterSpec(128, nonce));
            plaintext.writeBytes(gcm.doFinal(object, start, end - start));
        }
        return plaintext.toByteArray();
    }

    private static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    private static byte[] label(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void lp16(ByteArrayOutputStream out, byte[] b) {
        u16(out, b.length);
        out.writeBytes(b);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
