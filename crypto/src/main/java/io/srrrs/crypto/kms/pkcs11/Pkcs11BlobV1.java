package io.srrrs.crypto.kms.pkcs11;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekBinding;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.S3ecAesGcmKeyring;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.NavigableMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The pkcs11 provider's own wrapped-DEK blob v1 (docs/FORMAT.md §7.2), AES-GCM on the token:
 * {@code 0x01 ‖ u32 kekVersion ‖ nonce(12) ‖ AES-GCM(KEK_v, nonce, DEK, aad)} with
 * {@code aad = "SRRRS pkcs11 wrap v1" 0x00 ‖ lp16(name) ‖ u32 version ‖ C}.
 */
final class Pkcs11BlobV1 {

    private static final byte BLOB_VERSION = 0x01;
    private static final int NONCE_LENGTH = 12;
    private static final int BLOB_LENGTH = 1 + 4 + NONCE_LENGTH + FormatV1.DEK_LENGTH + 16;
    private static final String AAD_LABEL = "SRRRS pkcs11 wrap v1";

    private Pkcs11BlobV1() {
    }

    /** {@code dek} wrapped under the newest of {@code versions}. */
    static WrappedDek wrap(S3ecAesGcmKeyring.Ciphers token, String name, NavigableMap<Integer, SecretKey> versions,
                           byte[] dek, EncryptionContext context, SecureRandom random) throws KmsException {
        int version = versions.lastKey();
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            Cipher gcm = token.gcm();
            gcm.init(Cipher.ENCRYPT_MODE, versions.get(version), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad(name, version, context));
            byte[] ct = gcm.doFinal(dek);
            byte[] blob = ByteBuffer.allocate(5 + NONCE_LENGTH + ct.length).put(BLOB_VERSION).putInt(version)
                    .put(nonce).put(ct).array();
            return new WrappedDek(Pkcs11Kms.TYPE, new KekId(name), blob);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("PKCS#11 wrap failed: " + SunPkcs11.rootMessage(e), e);
        }
    }

    /** Opens {@code blob} under the version it names. */
    static DataKey unwrap(S3ecAesGcmKeyring.Ciphers token, String name, NavigableMap<Integer, SecretKey> versions,
                          byte[] blob, EncryptionContext context) throws KmsException {
        if (blob.length != BLOB_LENGTH || blob[0] != BLOB_VERSION) {
            throw new InvalidWrappedKeyException("wrapped DEK is not a pkcs11 v1 blob");
        }
        int version = ByteBuffer.wrap(blob, 1, 4).getInt();
        SecretKey kek = versions.get(version);
        if (kek == null) {
            throw new UnknownKeyException("KEK '" + name + "' has no version " + version + " on the token (destroyed?)");
        }
        try {
            Cipher gcm = token.gcm();
            gcm.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, blob, 5, NONCE_LENGTH));
            gcm.updateAAD(aad(name, version, context));
            return DataKey.adopt(gcm.doFinal(blob, 5 + NONCE_LENGTH, blob.length - 5 - NONCE_LENGTH));
        } catch (AEADBadTagException e) {
            throw new InvalidWrappedKeyException("wrapped DEK does not open under KEK '" + name + "' version "
                    + version + " with this encryption context");
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("PKCS#11 unwrap failed: " + SunPkcs11.rootMessage(e), e);
        }
    }

    private static byte[] aad(String name, int version, EncryptionContext context) {
        return KekBinding.bytes(AAD_LABEL, name, version, context);
    }
}
