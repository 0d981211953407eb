package io.srrrs.crypto.internal;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-object key material of format v1 (docs/FORMAT.md §4), derived with HKDF-SHA256 from the
 * DEK and the object's salt:
 *
 * <pre>
 *   PRK           = HKDF-Extract(salt, DEK)
 *   keyCheck      = HKDF-Expand(PRK, "SRRRS v1 key check" 0x00, 16)
 *   identityCheck = HKDF-Expand(PRK, "SRRRS v1 identity check" 0x00 ‖ I, 16)
 *   contextCheck  = HKDF-Expand(PRK, "SRRRS v1 context check" 0x00 ‖ C, 16)
 *   commitment    = HKDF-Expand(PRK, "SRRRS v1 commitment" 0x00 ‖ P ‖ I ‖ C, 32)
 *   contentKey    = HKDF-Expand(PRK, "SRRRS v1 content key" 0x00 ‖ P ‖ I ‖ C, 32)
 *   sseCKey       = HKDF-Expand(PRK, "SRRRS v1 sse-c key" 0x00 ‖ P ‖ I ‖ C, 32)   (only when asked for)
 * </pre>
 *
 * P = parameters, I = identity, C = context. The commitment is the key commitment; the three
 * shorter checks let the reader name which input is wrong before any segment is touched.
 */
public final class ObjectKeys implements AutoCloseable {

    static final byte[] LABEL_KEY_CHECK = label("SRRRS v1 key check");
    static final byte[] LABEL_IDENTITY_CHECK = label("SRRRS v1 identity check");
    static final byte[] LABEL_CONTEXT_CHECK = label("SRRRS v1 context check");
    static final byte[] LABEL_COMMITMENT = label("SRRRS v1 commitment");
    static final byte[] LABEL_CONTENT_KEY = label("SRRRS v1 content key");
    static final byte[] LABEL_SSE_C_KEY = label("SRRRS v1 sse-c key");

    private final byte[] contentKey;
    private final byte[] keyCheck;
    private final byte[] identityCheck;
    private final byte[] contextCheck;
    private final byte[] commitment;
    private final byte[] prk;
    private final byte[] bound;

    private ObjectKeys(byte[] contentKey, byte[] keyCheck, byte[] identityCheck, byte[] contextCheck, byte[] commitment,
                       byte[] prk, byte[] bound) {
        this.prk = prk;
        this.bound = bound;
        this.contentKey = contentKey;
        this.keyCheck = keyCheck;
        this.identityCheck = identityCheck;
        this.contextCheck = contextCheck;
        this.commitment = commitment;
    }

    /**
     * Derives the object's keys from the DEK. {@code parameters} is the header's
     * {@link FormatHeader#parameterBytes() parameter block}.
     */
    public static ObjectKeys derive(byte[] dek, byte[] salt, byte[] parameters, ObjectIdentity identity,
                                    EncryptionContext context) {
        if (dek.length != FormatV1.DEK_LENGTH) {
            throw new IllegalArgumentException("DEK must be " + FormatV1.DEK_LENGTH + " bytes");
        }
        byte[] prk = Hkdf.extract(salt, dek);
        byte[] i = identity.canonicalBytes();
        byte[] c = context.canonicalBytes();
        byte[] bound = concat(parameters, i, c);
        byte[][] out = Hkdf.expandAll(prk,
                new byte[][] {concat(LABEL_CONTENT_KEY, bound), LABEL_KEY_CHECK, concat(LABEL_IDENTITY_CHECK, i),
                        concat(LABEL_CONTEXT_CHECK, c), concat(LABEL_COMMITMENT, bound)},
                new int[] {FormatV1.DEK_LENGTH, FormatV1.CHECK_LENGTH, FormatV1.CHECK_LENGTH, FormatV1.CHECK_LENGTH,
                        FormatV1.COMMITMENT_LENGTH});
        // The PRK stays (zeroed on close) only so that an SSE-C key can be derived on request.
        return new ObjectKeys(out[0], out[1], out[2], out[3], out[4], prk, bound);
    }

    /** Derives from a parsed header and checks every value in it, in the order the format fixes. */
    public static ObjectKeys deriveAndVerify(byte[] dek, FormatHeader header, ObjectIdentity identity,
                                             EncryptionContext context) throws CiphertextException {
        ObjectKeys keys = derive(dek, header.salt(), header.parameterBytes(), identity, context);
        try {
            if (!MessageDigest.isEqual(keys.keyCheck, header.keyCheck())) {
                throw CiphertextException.of(Failure.WRONG_DEK,
                        "key check failed: the DEK is not the one this object was written with"
                        + " (or the header's salt was modified)");
            }
            if (!MessageDigest.isEqual(keys.identityCheck, header.identityCheck())) {
                throw CiphertextException.of(Failure.WRONG_IDENTITY, "identity check failed: the object was not written as "
                        + identity + " (moved, copied or swapped from another name)");
            }
            if (!MessageDigest.isEqual(keys.contextCheck, header.contextCheck())) {
                throw CiphertextException.of(Failure.WRONG_CONTEXT,
                        "context check failed: the encryption context differs from the one the object was written with");
            }
            if (!MessageDigest.isEqual(keys.commitment, header.commitment())) {
                throw CiphertextException.of(Failure.HEADER_MODIFIED,
                        "key commitment failed: header parameters (segment size, nonce prefix) were modified");
            }
            return keys;
        } catch (CiphertextException e) {
            keys.close();
            throw e;
        }
    }

    /**
     * The object's SSE-C key (docs/FORMAT.md §8): what the store is given as the customer-provided
     * key when the object is also stored with SSE-C. The caller zeroes it after use.
     */
    public byte[] sseCKey() {
        return Hkdf.expand(prk, concat(LABEL_SSE_C_KEY, bound), 32);
    }

    /** A JCE key for the segments. The JDK copies the bytes; our copy is zeroed by {@link #close()}. */
    public SecretKeySpec contentKey() {
        return new SecretKeySpec(contentKey, "AES");
    }

    public byte[] keyCheck() {
        return keyCheck.clone();
    }

    public byte[] identityCheck() {
        return identityCheck.clone();
    }

    public byte[] contextCheck() {
        return contextCheck.clone();
    }

    public byte[] commitment() {
        return commitment.clone();
    }

    @Override
    public void close() {
        Arrays.fill(contentKey, (byte) 0);
        Arrays.fill(prk, (byte) 0);
    }

    private static byte[] label(String text) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(ascii.length + 1).put(ascii).put((byte) 0).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }
}
