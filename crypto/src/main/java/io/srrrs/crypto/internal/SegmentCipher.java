package io.srrrs.crypto.internal;

import io.srrrs.crypto.format.FormatV1;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM over one segment, with the v1 nonce {@code prefix(7) ‖ u32 index ‖ last(1)} and no
 * AAD: position and finality are in the nonce, the object's identity in the key. One instance per
 * object, used by one thread at a time.
 *
 * <p>Every call initialises the calling thread's JCE cipher afresh: a provider lookup per object
 * costs more than encrypting a small one. The JDK still refuses a key and nonce pair used just
 * before on that cipher, which only a repeated salt and prefix could produce.
 */
public final class SegmentCipher {

    private final SecretKey key;
    private final byte[] nonce = new byte[FormatV1.NONCE_LENGTH];

    public SegmentCipher(SecretKey key, byte[] noncePrefix) {
        if (noncePrefix.length != FormatV1.NONCE_PREFIX_LENGTH) {
            throw new IllegalArgumentException("nonce prefix must be " + FormatV1.NONCE_PREFIX_LENGTH + " bytes");
        }
        this.key = key;
        System.arraycopy(noncePrefix, 0, nonce, 0, FormatV1.NONCE_PREFIX_LENGTH);
    }

    /** Encrypts {@code len} plaintext bytes; writes {@code len + 16} bytes at {@code out[outOff]}. */
    public int encrypt(long index, boolean last, byte[] in, int inOff, int len, byte[] out, int outOff) {
        Cipher cipher = Jce.threadAesGcm();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, spec(index, last));
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        }
    }

    /**
     * Decrypts one segment of {@code len} ciphertext bytes (tag included). Returns the plaintext
     * length, or -1 if it does not authenticate under ({@code index}, {@code last}); then nothing
     * is left in {@code out}.
     */
    public int tryDecrypt(long index, boolean last, byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (len < FormatV1.TAG_LENGTH) {
            return -1;
        }
        Cipher cipher = Jce.threadAesGcm();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, spec(index, last));
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            // SunJCE releases nothing before the tag verifies; clear the region anyway, in case a
            // provider does, so no unauthenticated byte can be read from it.
            int n = Math.min(len - FormatV1.TAG_LENGTH, out.length - outOff);
            if (n > 0) {
                Arrays.fill(out, outOff, outOff + n, (byte) 0);
            }
            return -1;
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        }
    }

    private GCMParameterSpec spec(long index, boolean last) {
        if (index < 0 || index >= FormatV1.MAX_SEGMENTS) {
            throw new IllegalArgumentException("segment index " + index + " outside the 32-bit counter");
        }
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return new GCMParameterSpec(FormatV1.TAG_LENGTH * 8, nonce);
    }
}
