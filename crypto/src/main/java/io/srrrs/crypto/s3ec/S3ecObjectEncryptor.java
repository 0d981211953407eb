package io.srrrs.crypto.s3ec;

import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.format.S3ecContent.Version;
import io.srrrs.crypto.format.S3ecContent.WrapAlgorithm;
import io.srrrs.crypto.internal.S3ecKeys;
import io.srrrs.crypto.internal.ThreadDrbg;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekUsage;

import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * Encrypts one object in an S3EC format (docs/S3EC.md §3): V3 (S3EC 4.x: a per-object content
 * key and key commitment derived from the DEK and a fresh 28-byte message id) or V2 (S3EC 3.x:
 * the DEK itself with a fresh 12-byte IV). The body is one AES-256-GCM message, handed out as
 * chunks. Use one encryptor for one object attempt: a second body under the same V2 IV would
 * repeat GCM's nonce, so {@link #chunks} may be called once.
 */
public final class S3ecObjectEncryptor implements AutoCloseable {

    /** The message ids' and IVs' DRBG, one per thread, as format v1's encryptor has. */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadDrbg.perThread("srrrs-s3ec-nonces");

    private final S3ecContent content;
    private final S3ecKeys keys;
    private final DekUsage usage;
    private boolean used;

    private S3ecObjectEncryptor(S3ecContent content, S3ecKeys keys, DekUsage usage) {
        this.content = content;
        this.keys = keys;
        this.usage = usage;
    }

    /**
     * For one object under {@code dek} with a fresh random message id (V3) or IV (V2); the DEK
     * may be closed afterwards. {@code usage} is told of every plaintext byte encrypted.
     */
    public static S3ecObjectEncryptor create(DataKey dek, Version version, WrapAlgorithm wrap, DekUsage usage) {
        byte[] nonce = new byte[version.nonceLength()];
        do {
            RANDOM.get().nextBytes(nonce);
        } while (allZero(nonce)); // S3EC refuses an all-zero message id or IV as uninitialised
        return withNonce(dek, version, wrap, usage, nonce);
    }

    /**
     * With a given nonce instead of a fresh one. Only for test vectors: a V2 IV used twice under
     * one DEK repeats GCM's nonce.
     */
    static S3ecObjectEncryptor withNonce(DataKey dek, Version version, WrapAlgorithm wrap, DekUsage usage,
                                         byte[] nonce) {
        Objects.requireNonNull(wrap, "wrap");
        Objects.requireNonNull(usage, "usage");
        S3ecKeys keys = S3ecKeys.derive(version, dek.material(), nonce);
        return new S3ecObjectEncryptor(new S3ecContent(version, wrap, nonce, keys.commitment()), keys, usage);
    }

    /** The object's content parameters (its S3EC metadata but the wrapped DEK), fixed at creation. */
    public S3ecContent content() {
        return content;
    }

    /**
     * Pulls {@code plaintext} and hands out the body as chunks of at most {@code maxChunkBytes}
     * (at least {@link S3ecChunks#MIN_CHUNK_BYTES}); the last one ends with the 16-byte tag.
     * {@code lengthHint} is the plaintext's length if known (-1 if not): it sizes the buffer.
     */
    public S3ecChunks chunks(InputStream plaintext, int maxChunkBytes, long lengthHint) {
        Objects.requireNonNull(plaintext, "plaintext");
        if (used) {
            throw new IllegalStateException("an S3ecObjectEncryptor encrypts exactly one body");
        }
        used = true;
        return new S3ecChunks(plaintext, keys.gcm(Cipher.ENCRYPT_MODE), usage, maxChunkBytes, lengthHint);
    }

    /**
     * The object's SSE-C key (32 bytes, docs/S3EC.md §6), for a store that also encrypts it with a
     * customer-provided key. The caller zeroes the array after use.
     */
    public byte[] sseCKey(ObjectIdentity identity) {
        return keys.sseCKey(identity);
    }

    @Override
    public void close() {
        keys.close();
    }

    private static boolean allZero(byte[] bytes) {
        int or = 0;
        for (byte b : bytes) {
            or |= b;
        }
        return or == 0;
    }
}
