package io.srrrs.crypto.kms.pkcs11;

import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.S3ecAesGcmKeyring;
import io.srrrs.crypto.kms.WrappedDek;

import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.List;
import java.util.NavigableMap;
import javax.crypto.SecretKey;

/**
 * S3EC's AES/GCM wrap ({@link S3ecAesGcmKeyring}) on the token: AES-GCM runs in the HSM with the
 * KEK's token object, as for blob v1. The blob names no version, so an unwrap tries the versions on
 * the token, newest first.
 */
final class Pkcs11S3ecWrap {

    private Pkcs11S3ecWrap() {
    }

    static WrappedDek wrap(S3ecAesGcmKeyring.Ciphers token, String name, NavigableMap<Integer, SecretKey> versions,
                           byte[] dek, DekWrapping wrapping, SecureRandom random) throws KmsException {
        try {
            byte[] blob = S3ecAesGcmKeyring.seal(token, versions.lastEntry().getValue(), dek, wrapping, random);
            return new WrappedDek(Pkcs11Kms.TYPE, new KekId(name), blob);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("PKCS#11 AES/GCM wrap failed: " + SunPkcs11.rootMessage(e), e);
        }
    }

    static DataKey unwrap(S3ecAesGcmKeyring.Ciphers token, String name, NavigableMap<Integer, SecretKey> versions,
                          byte[] blob, DekWrapping wrapping) throws KmsException {
        try {
            return S3ecAesGcmKeyring.open(token, List.copyOf(versions.descendingMap().values()), blob, wrapping, name);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("PKCS#11 AES/GCM unwrap failed: " + SunPkcs11.rootMessage(e), e);
        }
    }
}
