package io.srrrs.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every primitive we call, against the Wycheproof vectors (test resources, Apache 2.0, see
 * wycheproof/SOURCE.txt): the JDK's AES-GCM (what {@link SegmentCipher} runs), the JDK's AES-KWP
 * (the local KMS's wrap), and Bouncy Castle's HKDF-SHA256 ({@link Hkdf}).
 */
class WycheproofTest {

    private static final HexFormat HEX = HexFormat.of();

    record Vector(String group, JsonNode test) {
        String hex(String field) {
            return test.get(field).asText();
        }

        byte[] bytes(String field) {
            return HEX.parseHex(hex(field));
        }

        String result() {
            return test.get("result").asText();
        }

        String name() {
            return group + " tc" + test.get("tcId").asInt() + " " + result() + " " + test.get("comment").asText();
        }
    }

    static List<Vector> load(String file) throws IOException {
        try (InputStream in = WycheproofTest.class.getResourceAsStream("/wycheproof/" + file)) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Vector> vectors = new ArrayList<>();
            for (JsonNode group : root.get("testGroups")) {
                String name = group.has("keySize") ? "key" + group.get("keySize").asInt() : "";
                if (group.has("ivSize")) {
                    name += "/iv" + group.get("ivSize").asInt() + "/tag" + group.get("tagSize").asInt();
                }
                for (JsonNode t : group.get("tests")) {
                    vectors.add(new Vector(name, t));
                }
            }
            return vectors;
        }
    }

    @TestFactory
    Stream<DynamicTest> aesGcmThroughTheJdkProvider() throws IOException {
        List<Vector> vectors = load("aes_gcm_test.json");
        assertThat(vectors).hasSizeGreaterThan(300);
        return vectors.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> checkGcm(v)));
    }

    private static void checkGcm(Vector v) throws GeneralSecurityException {
        byte[] key = v.bytes("key");
        byte[] iv = v.bytes("iv");
        byte[] tag = v.bytes("tag");
        byte[] ctAndTag = concat(v.bytes("ct"), tag);
        Cipher cipher = Jce.aesGcm();
        boolean valid = v.result().equals("valid");
        if (iv.length == 0) {
            // The JDK refuses empty IVs outright, which is the safe answer to an invalid vector.
            assertThat(valid).isFalse();
            assertThatThrownBy(() -> cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(tag.length * 8, iv))).isInstanceOf(GeneralSecurityException.class);
            return;
        }
        GCMParameterSpec spec = new GCMParameterSpec(tag.length * 8, iv);
        SecretKeySpec k = new SecretKeySpec(key, "AES");
        if (valid) {
            cipher.init(Cipher.ENCRYPT_MODE, k, spec);
            cipher.updateAAD(v.bytes("aad"));
            assertArrayEquals(ctAndTag, cipher.doFinal(v.bytes("msg")), "encryption");
        }
        cipher.init(Cipher.DECRYPT_MODE, k, spec);
        cipher.updateAAD(v.bytes("aad"));
        if (valid) {
            assertArrayEquals(v.bytes("msg"), cipher.doFinal(ctAndTag), "decryption");
        } else {
            assertThatThrownBy(() -> cipher.doFinal(ctAndTag)).isInstanceOf(GeneralSecurityException.class);
        }
    }

    /**
     * Our own segment cipher on the vectors it can express: AES-256, 96-bit IV whose last byte is
     * the v1 last-flag (0 or 1), 128-bit tag, no AAD.
     */
    @TestFactory
    Stream<DynamicTest> segmentCipherOnApplicableVectors() throws IOException {
        List<Vector> applicable = load("aes_gcm_test.json").stream()
                .filter(v -> v.group.equals("key256/iv96/tag128") && v.hex("aad").isEmpty())
                .filter(v -> {
                    byte[] iv = v.bytes("iv");
                    return iv[11] == 0 || iv[11] == 1;
                })
                .toList();
        assertThat(applicable).as("vectors the segment cipher can run").isNotEmpty();
        return applicable.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            byte[] iv = v.bytes("iv");
            byte[] prefix = java.util.Arrays.copyOf(iv, 7);
            long index = java.nio.ByteBuffer.wrap(iv, 7, 4).getInt() & 0xFFFFFFFFL;
            boolean last = iv[11] == 1;
            SegmentCipher cipher = new SegmentCipher(new SecretKeySpec(v.bytes("key"), "AES"), prefix);
            byte[] ctAndTag = concat(v.bytes("ct"), v.bytes("tag"));
            byte[] out = new byte[Math.max(1, ctAndTag.length)];
            int n = cipher.tryDecrypt(index, last, ctAndTag, 0, ctAndTag.length, out, 0);
            if (v.result().equals("valid")) {
                assertThat(n).isEqualTo(v.bytes("msg").length);
                assertArrayEquals(v.bytes("msg"), java.util.Arrays.copyOf(out, n));
                byte[] enc = new byte[v.bytes("msg").length + 16];
                cipher.encrypt(index, last, v.bytes("msg"), 0, v.bytes("msg").length, enc, 0);
                assertArrayEquals(ctAndTag, enc);
            } else {
                assertThat(n).isEqualTo(-1);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> aesKwpThroughTheJdkProvider() throws IOException {
        List<Vector> vectors = load("aes_kwp_test.json");
        assertThat(vectors).hasSizeGreaterThan(200);
        return vectors.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            SecretKeySpec key = new SecretKeySpec(v.bytes("key"), "AES");
            Cipher kwp = Jce.aesKwp();
            switch (v.result()) {
                case "valid" -> {
                    kwp.init(Cipher.ENCRYPT_MODE, key);
                    assertArrayEquals(v.bytes("ct"), kwp.doFinal(v.bytes("msg")), "wrap");
                    kwp.init(Cipher.DECRYPT_MODE, key);
                    assertArrayEquals(v.bytes("msg"), kwp.doFinal(v.bytes("ct")), "unwrap");
                }
                case "invalid" -> {
                    kwp.init(Cipher.DECRYPT_MODE, key);
                    assertThatThrownBy(() -> kwp.doFinal(v.bytes("ct"))).isInstanceOf(GeneralSecurityException.class);
                }
                default -> {
                    // "acceptable": either answer is allowed, but a success must round-trip.
                    kwp.init(Cipher.DECRYPT_MODE, key);
                    try {
                        byte[] msg = kwp.doFinal(v.bytes("ct"));
                        assertArrayEquals(v.bytes("msg"), msg);
                    } catch (GeneralSecurityException refused) {
                        // allowed
                    }
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> hkdfSha256ThroughBouncyCastle() throws IOException {
        List<Vector> vectors = load("hkdf_sha256_test.json");
        assertThat(vectors).hasSizeGreaterThan(80);
        return vectors.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            int size = v.test().get("size").asInt();
            if (v.result().equals("valid")) {
                byte[] okm = Hkdf.derive(v.bytes("ikm"), v.bytes("salt"), v.bytes("info"), size);
                assertArrayEquals(v.bytes("okm"), okm);
                // Extract-then-expand in two steps, as ObjectKeys uses it, gives the same bytes.
                byte[] prk = Hkdf.extract(v.bytes("salt"), v.bytes("ikm"));
                assertArrayEquals(v.bytes("okm"), Hkdf.expand(prk, v.bytes("info"), size));
            } else {
                // Invalid HKDF vectors ask for more than 255 × 32 bytes of output.
                assertThat(size).isGreaterThan(255 * 32);
                assertThatThrownBy(() -> Hkdf.derive(v.bytes("ikm"), v.bytes("salt"), v.bytes("info"), size))
                        .isInstanceOf(RuntimeException.class);
            }
        }));
    }

    /**
     * HKDF-SHA512, which S3EC V3 derives its content key and key commitment with. The file is
     * Wycheproof's own at the commit SOURCE.txt names (../shared holds only the SHA-256 file).
     */
    @TestFactory
    Stream<DynamicTest> hkdfSha512ThroughBouncyCastle() throws IOException {
        List<Vector> vectors = load("hkdf_sha512_test.json");
        assertThat(vectors).hasSizeGreaterThan(80);
        return vectors.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            int size = v.test().get("size").asInt();
            if (v.result().equals("valid")) {
                assertArrayEquals(v.bytes("okm"), Hkdf.deriveSha512(v.bytes("ikm"), v.bytes("salt"), v.bytes("info"),
                        size));
                // Extract, then expand several outputs from one PRK, as S3ecKeys does.
                byte[] prk = Hkdf.extractSha512(v.bytes("salt"), v.bytes("ikm"));
                byte[][] two = Hkdf.expandAllSha512(prk, new byte[][] {v.bytes("info"), v.bytes("info")},
                        new int[] {size, size});
                assertArrayEquals(v.bytes("okm"), two[0]);
                assertArrayEquals(v.bytes("okm"), two[1]);
            } else {
                // Invalid HKDF vectors ask for more than 255 × 64 bytes of output.
                assertThat(size).isGreaterThan(255 * 64);
                assertThatThrownBy(() -> Hkdf.deriveSha512(v.bytes("ikm"), v.bytes("salt"), v.bytes("info"), size))
                        .isInstanceOf(RuntimeException.class);
            }
        }));
    }

    @Test
    void licenceTravelsWithTheVectors() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/wycheproof/LICENSE")) {
            assertThat(new String(in.readAllBytes())).contains("Apache License");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
