package io.srrrs.crypto.internal;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.format.S3ecContent.Version;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The content key of one S3EC object (docs/S3EC.md §3) and the ciphers that use it:
 *
 * <pre>
 *   V3: PRK        = HKDF-SHA512-Extract(salt = message id (28), IKM = DEK)
 *       contentKey = HKDF-Expand(PRK, 0x00 0x73 ‖ "DERIVEKEY", 32)
 *       commitment = HKDF-Expand(PRK, 0x00 0x73 ‖ "COMMITKEY", 28)
 *       AES-256-GCM(contentKey, IV = twelve 0x01 bytes, AAD = 0x00 0x73)
 *   V2: AES-256-GCM(DEK, IV = x-amz-iv (12), no AAD)
 *   both: sseCKey = HKDF-SHA256(IKM = DEK, salt = nonce, "srrrs-s3ec-sse-c" 0x00 ‖ lp16(bucket) ‖ lp16(key), 32)
 * </pre>
 *
 * The DEK is not kept: only the content key and the SSE-C PRK, both zeroed by {@link #close()}.
 */
public final class S3ecKeys implements AutoCloseable {

    /** The V3 algorithm suite id as two bytes: the HKDF info prefix and the content AAD. */
    static final byte[] SUITE_ID_BYTES = {0x00, 0x73};
    static final byte[] INFO_CONTENT_KEY = info("DERIVEKEY");
    static final byte[] INFO_COMMITMENT = info("COMMITKEY");
    static final byte[] LABEL_SSE_C = "srrrs-s3ec-sse-c\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IV_V3 = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    private static final int TAG_BITS = S3ecContent.TAG_LENGTH * 8;

    private final Version version;
    private final byte[] contentKey;
    private final byte[] iv;
    private final byte[] commitment;
    private final byte[] ssePrk;

    private S3ecKeys(Version version, byte[] contentKey, byte[] iv, byte[] commitment, byte[] ssePrk) {
        this.version = version;
        this.contentKey = contentKey;
        this.iv = iv;
        this.commitment = commitment;
        this.ssePrk = ssePrk;
    }

    /** The keys of an object of {@code version} with {@code nonce} (V3 message id, V2 IV) under {@code dek}. */
    public static S3ecKeys derive(Version version, byte[] dek, byte[] nonce) {
        if (dek.length != FormatV1.DEK_LENGTH || nonce.length != version.nonceLength()) {
            throw new IllegalArgumentException("S3EC " + version + " takes a 32-byte DEK and a "
                    + version.nonceLength() + "-byte nonce");
        }
        byte[] ssePrk = Hkdf.extract(nonce, dek);
        if (version == Version.V2) {
            return new S3ecKeys(version, dek.clone(), nonce.clone(), new byte[0], ssePrk);
        }
        byte[] prk = Hkdf.extractSha512(nonce, dek);
        byte[][] out = Hkdf.expandAllSha512(prk, new byte[][] {INFO_CONTENT_KEY, INFO_COMMITMENT},
                new int[] {FormatV1.DEK_LENGTH, version.commitmentLength()});
        Arrays.fill(prk, (byte) 0);
        return new S3ecKeys(version, out[0], IV_V3.clone(), out[1], ssePrk);
    }

    /**
     * The keys of {@code content} under {@code dek}, after checking V3's key commitment in constant
     * time: before any byte of the body is looked at.
     *
     * @throws CiphertextException WRONG_DEK: the commitment differs
     */
    public static S3ecKeys deriveAndVerify(S3ecContent content, byte[] dek) throws CiphertextException {
        S3ecKeys keys = derive(content.version(), dek, content.nonce());
        if (!MessageDigest.isEqual(keys.commitment, content.commitment())) {
            keys.close();
            throw CiphertextException.of(Failure.WRONG_DEK, "S3EC key commitment failed: the DEK is not the one"
                    + " this object was written with (or x-amz-i / x-amz-d were changed)");
        }
        return keys;
    }

    /** The key commitment ({@code x-amz-d}) of a V3 object; empty for V2. */
    public byte[] commitment() {
        return commitment.clone();
    }

    /** The content's 12-byte GCM IV. */
    public byte[] iv() {
        return iv.clone();
    }

    /** A fresh JDK AES-GCM cipher, initialised for {@code mode} with the content key, IV and AAD. */
    public Cipher gcm(int mode) {
        Cipher cipher = Jce.aesGcm();
        try {
            cipher.init(mode, new SecretKeySpec(contentKey, "AES"), new GCMParameterSpec(TAG_BITS, iv));
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        }
        if (version == Version.V3) {
            cipher.updateAAD(SUITE_ID_BYTES);
        }
        return cipher;
    }

    /**
     * Bouncy Castle's GCM, initialised to decrypt: unlike the JDK's, it streams while decrypting
     * (holding back only the tag), so a body of any size can be authenticated in constant memory.
     */
    public GCMModeCipher streamingGcmDecrypt() {
        GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
        cipher.init(false, new AEADParameters(new KeyParameter(contentKey), TAG_BITS, iv,
                version == Version.V3 ? SUITE_ID_BYTES : null));
        return cipher;
    }

    /**
     * The JDK's AES-CTR at GCM's first plaintext counter block ({@code IV ‖ 00000002} for a
     * 12-byte IV): the keystream GCM encrypted the body with, without GCM's tag check. Only for
     * bytes that were authenticated already.
     */
    public Cipher ctr() {
        byte[] counter = Arrays.copyOf(iv, 16);
        counter[15] = 2;
        try {
            Cipher cipher = Jce.aesCtr();
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(contentKey, "AES"), new IvParameterSpec(counter));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        }
    }

    /** The object's SSE-C key (32 bytes): the caller zeroes it. */
    public byte[] sseCKey(ObjectIdentity identity) {
        byte[] id = identity.canonicalBytes();
        byte[] info = Arrays.copyOf(LABEL_SSE_C, LABEL_SSE_C.length + id.length);
        System.arraycopy(id, 0, info, LABEL_SSE_C.length, id.length);
        return Hkdf.expand(ssePrk, info, 32);
    }

    @Override
    public void close() {
        Arrays.fill(contentKey, (byte) 0);
        Arrays.fill(ssePrk, (byte) 0);
    }

    private static byte[] info(String label) {
        byte[] ascii = label.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(SUITE_ID_BYTES, 2 + ascii.length);
        System.arraycopy(ascii, 0, out, 2, ascii.length);
        return out;
    }
}
