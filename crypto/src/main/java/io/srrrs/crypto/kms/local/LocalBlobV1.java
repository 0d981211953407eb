package io.srrrs.crypto.kms.local;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.internal.Hkdf;
import io.srrrs.crypto.internal.Jce;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekBinding;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystore.Kek;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local provider's own wrapped-DEK blob v1 (docs/FORMAT.md §7.1), as pure functions:
 * {@code 0x01 ‖ u32 kekVersion ‖ AES-KWP(wrapKey, DEK)} with
 * {@code wrapKey = HKDF-SHA256(KEK_v, salt=∅, "SRRRS local wrap v1" 0x00 ‖ lp16(name) ‖ u32 version ‖ C)}.
 * {@link LocalKeystoreKms} publishes them for test vectors and tools.
 */
final class LocalBlobV1 {

    private static final byte BLOB_VERSION = 0x01;
    private static final String WRAP_LABEL = "SRRRS local wrap v1";

    private LocalBlobV1() {
    }

    /** A DEK wrapped under {@code k}'s newest version. */
    static WrappedDek wrapped(Kek k, byte[] dek, EncryptionContext context) {
        int version = k.versions.lastKey();
        return new WrappedDek(LocalKeystoreKms.TYPE, new KekId(k.name), wrap(k.name, version, k.versions.get(version),
                dek, context));
    }

    static byte[] wrap(String name, int version, byte[] kek, byte[] dek, EncryptionContext context) {
        byte[] wrapKey = wrapKey(name, version, kek, context);
        try {
            Cipher kwp = Jce.aesKwp();
            kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(wrapKey, "AES"));
            byte[] wrapped = kwp.doFinal(dek);
            return ByteBuffer.allocate(5 + wrapped.length).put(BLOB_VERSION).putInt(version).put(wrapped).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-KWP failed: " + e.getClass().getSimpleName(), e);
        } finally {
            Arrays.fill(wrapKey, (byte) 0);
        }
    }

    static DataKey unwrap(String name, byte[] blob, byte[] kek, EncryptionContext context)
            throws InvalidWrappedKeyException {
        int version = version(blob);
        byte[] wrapKey = wrapKey(name, version, kek, context);
        try {
            Cipher kwp = Jce.aesKwp();
            kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(wrapKey, "AES"));
            return DataKey.adopt(kwp.doFinal(blob, 5, blob.length - 5));
        } catch (GeneralSecurityException e) {
            throw new InvalidWrappedKeyException("wrapped DEK does not open under KEK '" + name + "' version "
                    + version + " with this encryption context");
        } finally {
            Arrays.fill(wrapKey, (byte) 0);
        }
    }

    static int version(byte[] blob) throws InvalidWrappedKeyException {
        if (blob.length != 5 + FormatV1.DEK_LENGTH + 8 || blob[0] != BLOB_VERSION) {
            throw new InvalidWrappedKeyException("wrapped DEK is not a local v1 blob");
        }
        return ByteBuffer.wrap(blob, 1, 4).getInt();
    }

    static byte[] wrapKey(String name, int version, byte[] kek, EncryptionContext context) {
        return Hkdf.derive(kek, null, KekBinding.bytes(WRAP_LABEL, name, version, context), 32);
    }
}
