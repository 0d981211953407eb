package io.srrrs.topology;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.s3ec.S3ecChunks;
import io.srrrs.crypto.s3ec.S3ecObjectEncryptor;

import java.io.IOException;
import java.io.InputStream;

/**
 * One S3EC object being sealed. Made afresh for every attempt (a new encryptor, so a new message id
 * or IV): a restarted object must never encrypt its body again under a V2 IV already used.
 */
final class S3ecSealing implements ObjectCipher.Sealing {

    private final S3ecObjectEncryptor encryptor;
    private final S3ecChunks chunks;
    private final ObjectIdentity identity;

    private S3ecSealing(S3ecObjectEncryptor encryptor, S3ecChunks chunks, ObjectIdentity identity) {
        this.encryptor = encryptor;
        this.chunks = chunks;
        this.identity = identity;
    }

    /** The DEK may be closed as soon as this returns; its wrapping's KMS picks the S3EC wrap algorithm named. */
    static S3ecSealing open(OutputFormat format, DataKeyPair dek, ObjectIdentity identity, InputStream plaintext,
                            long lengthHint, int maxChunkBytes) {
        S3ecContent.Version version = DekWrapping.of(format).s3ecVersion();
        S3ecContent.WrapAlgorithm wrap = S3ecContent.WrapAlgorithm.forKms(dek.wrapped().kms());
        S3ecObjectEncryptor encryptor = S3ecObjectEncryptor.create(dek.plaintext(), version, wrap, dek.usage());
        try {
            return new S3ecSealing(encryptor, encryptor.chunks(plaintext, maxChunkBytes, lengthHint), identity);
        } catch (RuntimeException e) {
            encryptor.close();
            throw e;
        }
    }

    @Override
    public ContentFormat content() {
        return encryptor.content();
    }

    @Override
    public CiphertextChunk next() throws IOException {
        return chunks.next();
    }

    @Override
    public long plaintextLength() {
        return chunks.plaintextLength();
    }

    @Override
    public byte[] sseCKey() {
        return encryptor.sseCKey(identity);
    }

    @Override
    public void close() throws IOException {
        try {
            chunks.close();
        } finally {
            encryptor.close();
        }
    }
}
