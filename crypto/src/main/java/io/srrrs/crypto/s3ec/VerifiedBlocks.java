package io.srrrs.crypto.s3ec;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.internal.Jce;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * Pass 2 of a {@link TwoPassRead}: the body read again, block by block; a block's plaintext is
 * released only after its SHA-256 equals the one pass 1 recorded while the tag was verified.
 * The tag's bytes at the end are hashed but not decrypted.
 */
final class VerifiedBlocks extends InputStream {

    private final Cipher ctr;
    private final InputStream body;
    private final long bodyLength;
    private final long ciphertextLength;
    private final byte[][] hashes;
    private final MessageDigest sha256 = TwoPassRead.sha256();
    private final byte[] block;
    private final byte[] plain;
    private int blockIndex;
    private int pos;
    private int limit;
    private boolean closed;

    VerifiedBlocks(Cipher ctr, InputStream body, long bodyLength, int blockBytes, byte[][] hashes) {
        this.ctr = ctr;
        this.body = body;
        this.bodyLength = bodyLength;
        this.ciphertextLength = bodyLength - S3ecContent.TAG_LENGTH;
        this.hashes = hashes;
        this.block = new byte[blockBytes];
        this.plain = new byte[blockBytes];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (pos == limit) {
            if (blockIndex == hashes.length) {
                return -1;
            }
            nextBlock();
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads, checks and decrypts the next block. */
    private void nextBlock() throws IOException {
        long offset = (long) blockIndex * block.length;
        int n = (int) Math.min(block.length, bodyLength - offset);
        TwoPassRead.readExactly(body, block, n, offset);
        sha256.update(block, 0, n);
        if (!MessageDigest.isEqual(sha256.digest(), hashes[blockIndex])) {
            throw CiphertextException.of(Failure.SEGMENT_MODIFIED, "block " + blockIndex + " of the S3EC body"
                    + " differs from the one authenticated in the first read (the object changed between reads)");
        }
        if (blockIndex == hashes.length - 1) {
            TwoPassRead.requireEnd(body, bodyLength);
        }
        int ciphertext = (int) Math.max(0, Math.min(n, ciphertextLength - offset));
        try {
            limit = ciphertext == 0 ? 0 : ctr.update(block, 0, ciphertext, plain, 0);
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        }
        pos = 0;
        blockIndex++;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            Arrays.fill(plain, (byte) 0);
            body.close();
        }
    }
}
