package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.internal.ObjectKeys;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekUsage;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * One object opens under at most one DEK. AES-GCM alone is not key-committing: this test builds
 * a real "invisible salamander", a segment whose GCM tag verifies under two different content
 * keys, and shows that the format still refuses it under the second DEK, because the header
 * commits to one DEK.
 */
class KeyCommitmentTest {

    private static final int S = 64;

    @Test
    void aSegmentValidUnderTwoKeysStillOpensUnderOnlyOneDek() throws Exception {
        byte[] salt = TestObjects.randomBytes(FormatV1.SALT_LENGTH);
        byte[] prefix = TestObjects.randomBytes(FormatV1.NONCE_PREFIX_LENGTH);
        try (DataKey dek1 = TestObjects.newDek(); DataKey dek2 = TestObjects.newDek();
             ObjectEncryptor enc1 = ObjectEncryptor.withFixedRandomness(dek1, TestObjects.IDENTITY, TestObjects.CONTEXT,
                     S, DekUsage.NONE, salt, prefix);
             ObjectEncryptor enc2 = ObjectEncryptor.withFixedRandomness(dek2, TestObjects.IDENTITY, TestObjects.CONTEXT,
                     S, DekUsage.NONE, salt, prefix)) {
            FormatHeader header1 = enc1.header();
            byte[] k1 = contentKey(dek1, header1);
            byte[] k2 = contentKey(dek2, enc2.header());
            byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt(0).put((byte) 1).array();

            byte[] segment = salamander(k1, k2, nonce);
            // GCM accepts the same 48 bytes under both keys: the attack is real.
            byte[] p1 = gcmDecrypt(k1, nonce, segment);
            byte[] p2 = gcmDecrypt(k2, nonce, segment);
            assertThat(p1).hasSize(32).isNotEqualTo(p2);

            ByteArrayOutputStream object = new ByteArrayOutputStream();
            object.writeBytes(header1.toBytes());
            object.writeBytes(segment);
            byte[] body = object.toByteArray();

            // Under the DEK the header commits to, it opens (to the attacker's first plaintext)...
            assertThat(TestObjects.decrypt(dek1, body)).isEqualTo(p1);
            // ...and under the other DEK it is refused before any segment is decrypted.
            assertThatThrownBy(() -> TestObjects.decrypt(dek2, body))
                    .isInstanceOf(KeyMismatchException.class)
                    .satisfies(e -> assertThat(((CiphertextException) e).failure()).isEqualTo(Failure.WRONG_DEK));
        }
    }

    @Test
    void theCommitmentChangesWithEveryBoundInput() throws Exception {
        byte[] salt = TestObjects.randomBytes(32);
        byte[] prefix = TestObjects.randomBytes(7);
        try (DataKey dek = TestObjects.newDek()) {
            FormatHeader base = header(dek, salt, prefix, TestObjects.IDENTITY, TestObjects.CONTEXT, S);
            assertThat(header(dek, salt, prefix, new io.srrrs.crypto.format.ObjectIdentity("bucket", "other"),
                    TestObjects.CONTEXT, S).commitment()).isNotEqualTo(base.commitment());
            assertThat(header(dek, salt, prefix, TestObjects.IDENTITY, io.srrrs.crypto.format.EncryptionContext.EMPTY, S)
                    .commitment()).isNotEqualTo(base.commitment());
            assertThat(header(dek, salt, prefix, TestObjects.IDENTITY, TestObjects.CONTEXT, S + 1).commitment())
                    .isNotEqualTo(base.commitment());
            byte[] otherPrefix = prefix.clone();
            otherPrefix[0] ^= 1;
            assertThat(header(dek, salt, otherPrefix, TestObjects.IDENTITY, TestObjects.CONTEXT, S).commitment())
                    .isNotEqualTo(base.commitment());
            // Same inputs, same values: derivation is deterministic.
            assertThat(header(dek, salt, prefix, TestObjects.IDENTITY, TestObjects.CONTEXT, S)).isEqualTo(base);
        }
    }

    private static FormatHeader header(DataKey dek, byte[] salt, byte[] prefix, io.srrrs.crypto.format.ObjectIdentity id,
                                       io.srrrs.crypto.format.EncryptionContext ctx, int s) {
        try (ObjectEncryptor enc = ObjectEncryptor.withFixedRandomness(dek, id, ctx, s, DekUsage.NONE, salt, prefix)) {
            return enc.header();
        }
    }

    private static byte[] contentKey(DataKey dek, FormatHeader header) {
        try (ObjectKeys keys = ObjectKeys.derive(dek.material(), header.salt(), header.parameterBytes(),
                TestObjects.IDENTITY, TestObjects.CONTEXT)) {
            return keys.contentKey().getEncoded();
        }
    }

    private static byte[] gcmDecrypt(byte[] key, byte[] nonce, byte[] ct) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return c.doFinal(ct);
    }

    // ---- a two-block GCM ciphertext with one tag under two keys ----------------------------------

    /**
     * With no AAD and two ciphertext blocks, tag = C1·H³ ⊕ C2·H² ⊕ L·H ⊕ E_K(J0). Fixing C2 = 0 and
     * equating the tags under both keys gives one linear equation in C1 over GF(2^128).
     */
    static byte[] salamander(byte[] k1, byte[] k2, byte[] nonce) throws Exception {
        BigInteger h1 = block(aes(k1, new byte[16]));
        BigInteger h2 = block(aes(k2, new byte[16]));
        byte[] j0 = ByteBuffer.allocate(16).put(nonce).putInt(1).array();
        BigInteger e1 = block(aes(k1, j0));
        BigInteger e2 = block(aes(k2, j0));
        BigInteger len = block(ByteBuffer.allocate(16).putLong(0).putLong(256).array());
        BigInteger c2 = BigInteger.ZERO;
        BigInteger rhs = mul(c2, mul(h1, h1).xor(mul(h2, h2))).xor(mul(len, h1.xor(h2))).xor(e1).xor(e2);
        BigInteger c1 = mul(rhs, inverse(mul(h1, mul(h1, h1)).xor(mul(h2, mul(h2, h2)))));
        BigInteger tag = mul(c1, mul(h1, mul(h1, h1))).xor(mul(c2, mul(h1, h1))).xor(mul(len, h1)).xor(e1);
        ByteBuffer out = ByteBuffer.allocate(48);
        out.put(bytes(c1)).put(bytes(c2)).put(bytes(tag));
        return out.array();
    }

    private static byte[] aes(byte[] key, byte[] block) throws Exception {
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return c.doFinal(block);
    }

    private static final BigInteger R = new BigInteger("E1000000000000000000000000000000", 16);

    /** GF(2^128) multiplication in GCM's bit order (NIST SP 800-38D, Algorithm 1). */
    static BigInteger mul(BigInteger x, BigInteger y) {
        BigInteger z = BigInteger.ZERO;
        BigInteger v = y;
        for (int i = 127; i >= 0; i--) {
            if (x.testBit(i)) {
                z = z.xor(v);
            }
            boolean lsb = v.testBit(0);
            v = v.shiftRight(1);
            if (lsb) {
                v = v.xor(R);
            }
        }
        return z;
    }

    /** x^(2^128 - 2) = x^-1. */
    static BigInteger inverse(BigInteger x) {
        BigInteger one = BigInteger.ONE.shiftLeft(127); // the field's 1 in GCM bit order
        BigInteger result = one;
        BigInteger base = x;
        BigInteger e = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.TWO);
        for (int i = 0; i < 128; i++) {
            if (e.testBit(i)) {
                result = mul(result, base);
            }
            base = mul(base, base);
        }
        assertThat(mul(result, x)).isEqualTo(one);
        return result;
    }

    private static BigInteger block(byte[] b) {
        return new BigInteger(1, b);
    }

    private static byte[] bytes(BigInteger x) {
        byte[] raw = x.toByteArray();
        byte[] out = new byte[16];
        int n = Math.min(16, raw.length);
        System.arraycopy(raw, raw.length - n, out, 16 - n, n);
        return out;
    }

    @Test
    void theFieldArithmeticIsRight() {
        BigInteger one = BigInteger.ONE.shiftLeft(127);
        BigInteger a = new BigInteger(1, TestObjects.randomBytes(16));
        assertThat(mul(a, one)).isEqualTo(a);
        assertThat(mul(a, inverse(a))).isEqualTo(one);
        BigInteger b = new BigInteger(1, TestObjects.randomBytes(16));
        assertThat(mul(a, b)).isEqualTo(mul(b, a));
        assertThat(Arrays.equals(bytes(a), new byte[16])).isFalse();
    }
}
