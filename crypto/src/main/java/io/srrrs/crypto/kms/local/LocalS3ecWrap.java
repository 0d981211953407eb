package io.srrrs.crypto.kms.local;

import io.srrrs.crypto.internal.Jce;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.S3ecAesGcmKeyring;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystore.Kek;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * S3EC's AES/GCM wrap ({@link S3ecAesGcmKeyring}) under a local KEK, in the JDK: wrapped under the
 * newest version; the blob names none, so an unwrap tries every version the keystore holds, newest
 * first.
 */
final class LocalS3ecWrap {

    private LocalS3ecWrap() {
    }

    static WrappedDek wrap(Kek k, byte[] dek, DekWrapping wrapping, SecureRandom random) {
        try {
            byte[] blob = S3ecAesGcmKeyring.seal(Jce::aesGcm, aesKey(k.versions.lastEntry().getValue()), dek, wrapping,
                    random);
            return new WrappedDek(LocalKeystoreKms.TYPE, new KekId(k.name), blob);
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        }
    }

    static DataKey unwrap(Kek k, byte[] blob, DekWrapping wrapping) throws InvalidWrappedKeyException {
        List<SecretKey> newestFirst = new ArrayList<>();
        k.versions.descendingMap().values().forEach(v -> newestFirst.add(aesKey(v)));
        try {
            return S3ecAesGcmKeyring.open(Jce::aesGcm, newestFirst, blob, wrapping, k.name);
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        }
    }

    /** A KEK version's bytes as a JCE key (a copy: the keystore zeroes its own on reload). */
    static SecretKey aesKey(byte[] kek) {
        return new SecretKeySpec(kek, "AES");
    }
}
