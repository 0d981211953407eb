package io.srrrs.client;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real local keystore KMS (its S3EC wraps are S3EC's raw AES keyring's, docs/S3EC.md §3.3) in a
 * test directory, counting its unwraps so that a test can prove a refusal came before any KMS call.
 * Shared (as this module's test jar) with s3ec-keyring's tests.
 */
public final class CountingKeystore implements Kms {

    private final LocalKeystoreKms keystore;
    public final AtomicInteger unwraps = new AtomicInteger();

    public CountingKeystore(Path dir, String... keks) throws KmsException {
        keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "test-password".toCharArray());
        for (String kek : keks) {
            keystore.createKek(kek);
        }
    }

    /** The KEK's bytes, as an S3EC application's raw AesKeyring would be given them. */
    public byte[] kekBytes(String name) throws KmsException {
        return keystore.exportS3ecKek(name).getEncoded();
    }

    @Override
    public String type() {
        return keystore.type();
    }

    @Override
    public KekId resolve(String aliasOrId) throws KmsException {
        return keystore.resolve(aliasOrId);
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        return keystore.generateDataKey(kek, context);
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        unwraps.incrementAndGet();
        return keystore.unwrap(wrapped, context);
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
        return keystore.rewrap(wrapped, context, target);
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return keystore.generateDataKey(kek, context, wrapping);
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        unwraps.incrementAndGet();
        return keystore.unwrap(wrapped, context, wrapping);
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        return keystore.rewrap(wrapped, context, wrapping, target);
    }

    @Override
    public void close() {
        keystore.close();
    }
}
