package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The wrapped-DEK blob of S3EC's raw AES keyring ({@code x-amz-w = "02"}, {@code x-amz-wrap-alg =
 * "AES/GCM"}), for the providers whose KEK is an AES key (local, pkcs11):
 * {@code iv(12 random) ‖ AES-256-GCM(KEK, iv, AAD = UTF-8 of the content algorithm, DEK) ‖ tag(16)},
 * 60 bytes. The AAD ("115" for V3, "AES/GCM/NoPadding" for V2) is all it binds: no KEK version, no
 * encryption context, since an S3EC reader knows neither. So such objects must have an empty
 * context, and an unwrap tries the KEK's versions.
 *
 * <p>The GCM cipher comes from the caller ({@link Ciphers}), so the same layout runs in the JDK
 * (local) or on the token (pkcs11). Random 96-bit IVs: one wrap per DEK keeps a KEK far below
 * GCM's 2^32 random-IV limit.
 */
public final class S3ecAesGcmKeyring {

    /** The IV's length. */
    public static final int IV_LENGTH = 12;
    /** The whole blob's length: IV, the 32-byte DEK encrypted, the 16-byte tag. */
    public static final int BLOB_LENGTH = IV_LENGTH + FormatV1.DEK_LENGTH + 16;

    /** A fresh {@code AES/GCM/NoPadding} cipher from the provider that holds the KEK. */
    @FunctionalInterface
    public interface Ciphers {
        Cipher gcm() throws GeneralSecurityException;
    }

    private S3ecAesGcmKeyring() {
    }

    /**
     * Refuses a non-empty context: the AES/GCM wrap cannot bind one, so a DEK wrapped "under" it
     * would open without it.
     *
     * @throws IllegalArgumentException if {@code context} is not empty
     */
    public static void requireEmptyContext(EncryptionContext context, String kmsType) {
        if (!context.isEmpty()) {
            throw new IllegalArgumentException("KMS '" + kmsType + "' wraps S3EC DEKs with S3EC's AES/GCM keyring, "
                    + "which cannot bind an encryption context; the object must have none (the topology refuses such "
                    + "references as CONTEXT_NOT_SUPPORTED before they get here)");
        }
    }

    /** The AAD of {@code wrapping}'s AES/GCM wrap. */
    public static byte[] aad(DekWrapping wrapping) {
        return wrapping.s3ecCekAlgorithm().getBytes(StandardCharsets.UTF_8);
    }

    /** Wraps {@code dek} under {@code kek}: the 60-byte blob. */
    public static byte[] seal(Ciphers ciphers, Key kek, byte[] dek, DekWrapping wrapping, SecureRandom random)
            throws GeneralSecurityException {
        byte[] blob = new byte[BLOB_LENGTH];
        random.nextBytes(blob);
        Cipher gcm = ciphers.gcm();
        gcm.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, blob, 0, IV_LENGTH));
        gcm.updateAAD(aad(wrapping));
        int written = gcm.doFinal(dek, 0, dek.length, blob, IV_LENGTH);
        if (written != BLOB_LENGTH - IV_LENGTH) {
            throw new GeneralSecurityException("AES/GCM wrote " + written + " bytes, not " + (BLOB_LENGTH - IV_LENGTH));
        }
        return blob;
    }

    /**
     * Opens {@code blob} under the first of {@code newestFirst} it authenticates under.
     *
     * @throws InvalidWrappedKeyException if the blob is not 60 bytes or opens under none of them
     * @throws GeneralSecurityException   if the cipher itself fails (not a tag mismatch)
     */
    public static DataKey open(Ciphers ciphers, List<? extends Key> newestFirst, byte[] blob, DekWrapping wrapping,
                               String kekName) throws InvalidWrappedKeyException, GeneralSecurityException {
        if (blob.length != BLOB_LENGTH) {
            throw new InvalidWrappedKeyException("wrapped DEK is not an S3EC AES/GCM blob (" + blob.length + " bytes, not "
                    + BLOB_LENGTH + ")");
        }
        for (Key kek : newestFirst) {
            Cipher gcm = ciphers.gcm();
            gcm.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, blob, 0, IV_LENGTH));
            gcm.updateAAD(aad(wrapping));
            try {
                return DataKey.adopt(gcm.doFinal(blob, IV_LENGTH, blob.length - IV_LENGTH));
            } catch (AEADBadTagException wrongVersionOrWrapping) {
                // Another version of the KEK, or another wrapping's AAD: try the next one.
                continue;
            }
        }
        throw new InvalidWrappedKeyException("wrapped DEK does not open as " + wrapping + " under any of the "
                + newestFirst.size() + " versions of KEK '" + kekName + "'");
    }
}
