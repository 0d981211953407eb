package io.srrrs.bench;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.topology.ObjectCipher;

import java.io.InputStream;

/**
 * A cipher that does not encrypt: chunks of the same shape as format v1's (whole "segments" of
 * the same size, header bytes first), made of the plaintext itself ({@link PassthroughSealing}).
 * It exists only here, so the pipeline benchmark can measure what encryption costs the topology.
 * Never use it elsewhere.
 */
final class PassthroughCipher implements ObjectCipher {

    static final FormatHeader FAKE_HEADER = new FormatHeader(FormatV1.DEFAULT_SEGMENT_SIZE, new byte[32],
            new byte[7], new byte[16], new byte[16], new byte[16], new byte[32]);

    @Override
    public Sealing seal(DataKeyPair dek, ObjectIdentity identity, EncryptionContext context, InputStream plaintext,
                        long lengthHint, int segmentSize, int maxChunkBytes) {
        return new PassthroughSealing(plaintext, lengthHint, segmentSize, maxChunkBytes);
    }
}
