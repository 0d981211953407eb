package io.srrrs.crypto;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.CiphertextLayout;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.internal.ObjectKeys;
import io.srrrs.crypto.internal.SegmentCipher;
import io.srrrs.crypto.internal.SegmentOpener;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads one v1 object. {@link #open} derives the object's keys and checks the key, identity and
 * context checks and the key commitment before any segment is touched; after that the DEK may be
 * closed. Then read the whole body as a stream, or any plaintext byte range.
 */
public final class ObjectDecryptor implements AutoCloseable {

    private final FormatHeader header;
    private final ObjectKeys keys;
    private final CiphertextLayout layout;

    private ObjectDecryptor(FormatHeader header, ObjectKeys keys) {
        this.header = header;
        this.keys = keys;
        this.layout = new CiphertextLayout(header.segmentSize());
    }

    /**
     * @param header   the header from {@code srrrs-header} metadata (or read from the body)
     * @param identity where the object is being read from
     * @param context  the encryption context from {@code srrrs-context}
     * @throws KeyMismatchException      wrong DEK, identity or context
     * @throws TamperedObjectException   header parameters modified
     */
    public static ObjectDecryptor open(FormatHeader header, DataKey dek, ObjectIdentity identity,
                                       EncryptionContext context) throws CiphertextException {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(context, "context");
        return new ObjectDecryptor(header, ObjectKeys.deriveAndVerify(dek.material(), header, identity, context));
    }

    /**
     * Steps 3 to 6 of a read (docs/FORMAT.md §11), in that order: {@code srrrs-kms} must be the
     * reader's KMS type ({@code UNKNOWN_KMS}); {@code srrrs-kek-id} must be on {@code allowed}
     * ({@link io.srrrs.crypto.kms.KekNotAllowedException}, before any KMS call with it); the KMS
     * unwraps the DEK under the metadata's context; then the §4 checks. The DEK is closed here.
     */
    public static ObjectDecryptor open(ObjectMetadata metadata, ObjectIdentity identity, Kms kms,
                                       KekAllowList allowed) throws CiphertextException, KmsException {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(allowed, "allowed");
        if (!(metadata.content() instanceof FormatHeader)) {
            // Refused before any KMS call until the S3EC reader exists (docs/DECISIONS.md D51).
            throw CiphertextException.of(Failure.UNSUPPORTED_VERSION, "an " + metadata.content().outputFormat().id()
                    + " object; this reader reads format v1 only");
        }
        WrappedDek wrapped = metadata.wrappedDek();
        if (!wrapped.kms().equals(kms.type())) {
            throw CiphertextException.of(Failure.UNKNOWN_KMS, "the DEK was wrapped by KMS type '" + wrapped.kms()
                    + "'; this reader uses '" + kms.type() + "'");
        }
        allowed.check(wrapped.kek(), kms);
        try (DataKey dek = kms.unwrap(wrapped, metadata.context())) {
            return open(metadata.header(), dek, identity, metadata.context());
        }
    }

    /** The header this decryptor was opened with. */
    public FormatHeader header() {
        return header;
    }

    /** Where each segment lies in the object, for this header's segment size. */
    public CiphertextLayout layout() {
        return layout;
    }

    /** Plaintext length of this object given its stored length. */
    public long plaintextLength(long objectLength) throws CiphertextException {
        return layout.plaintextLength(objectLength);
    }

    /**
     * The verified plaintext of a whole object body (header first). The body's header must equal
     * the one this decryptor was opened with.
     */
    public DecryptingInputStream decrypt(InputStream body) throws IOException {
        FormatHeader bodyHeader = FormatHeader.read(body);
        if (!bodyHeader.equals(header)) {
            body.close();
            throw CiphertextException.of(Failure.HEADER_MISMATCH,
                    "the header at the start of the body differs from the srrrs-header metadata");
        }
        return decryptSegments(body);
    }

    /** The verified plaintext of the segments, the stream positioned just after the header. */
    public DecryptingInputStream decryptSegments(InputStream segments) {
        return new DecryptingInputStream(segments, opener(), header.segmentSize());
    }

    /**
     * Plaintext bytes {@code [offset, offset + length)} (clamped to the object's end), fetching and
     * authenticating only the segments that hold them: one range request to {@code source}. The
     * object length comes from {@code source} (a HEAD): a range that does not reach the final
     * segment proves nothing about truncation or extension (docs/FORMAT.md §5.2).
     *
     * @throws InvalidRangeException a negative offset or length, or an offset beyond the plaintext
     */
    public InputStream decryptRange(CiphertextSource source, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw CiphertextException.of(Failure.INVALID_RANGE, "offset and length must not be negative");
        }
        long objectLength = source.length();
        long plaintextLength = layout.plaintextLength(objectLength);
        if (offset > plaintextLength) {
            throw CiphertextException.of(Failure.INVALID_RANGE,
                    "offset " + offset + " is beyond the plaintext length " + plaintextLength);
        }
        long end = Math.min(plaintextLength, offset + Math.min(length, Long.MAX_VALUE - offset));
        if (end == offset) {
            return InputStream.nullInputStream();
        }
        int s = header.segmentSize();
        long first = offset / s;
        long lastNeeded = (end - 1) / s;
        long segmentCount = layout.physicalSegmentCount(objectLength);
        long ctStart = layout.segmentOffset(first);
        long ctEnd = Math.min(objectLength, layout.segmentOffset(lastNeeded + 1));
        InputStream ct = source.open(ctStart, ctEnd);
        return new RangeStream(ct, opener(), s, first, lastNeeded, segmentCount, offset - first * s, end - offset);
    }

    /**
     * Proves the object's length as {@code source} reports it (for a ranged read, which otherwise
     * trusts it): one range request for the final segment, authenticated as segment {@code n-1}
     * with {@code last = 1}. Fails as a whole read would name it: {@code TRUNCATED} when it is not
     * the final segment, {@code EXTENDED} (one more request, only on failure) when segment
     * {@code n-2} is the final one, else {@code SEGMENT_MODIFIED} or {@code SEGMENT_OUT_OF_ORDER}.
     */
    public void verifyFinalSegment(CiphertextSource source) throws IOException {
        long objectLength = source.length();
        layout.plaintextLength(objectLength); // the length rule first, as a whole read applies it
        long n = layout.physicalSegmentCount(objectLength);
        SegmentOpener opener = opener();
        byte[] ct = new byte[layout.ciphertextSegmentSize()];
        byte[] pt = new byte[header.segmentSize()];
        CiphertextException finalFailure = null;
        try {
            for (long index = n - 1; index >= Math.max(0, n - 2); index--) {
                boolean last = index == n - 1;
                long start = layout.segmentOffset(index);
                int expected = (int) (Math.min(objectLength, layout.segmentOffset(index + 1)) - start);
                int got;
                try (InputStream in = source.open(start, start + expected)) {
                    got = in.readNBytes(ct, 0, expected);
                }
                if (got < expected) {
                    throw CiphertextException.of(Failure.TRUNCATED, "the store returned " + got + " bytes for segment "
                            + index + ", fewer than its length");
                }
                try {
                    opener.open(index, last, n, ct, 0, got, pt, 0);
                    if (last) {
                        return;
                    }
                } catch (CiphertextException e) {
                    if (!last || n < 2 || e.failure() == Failure.TRUNCATED) {
                        throw e;
                    }
                    finalFailure = e; // EXTENDED or not: segment n-2 says whether it is the final one
                }
            }
            throw finalFailure;
        } finally {
            Arrays.fill(pt, (byte) 0);
        }
    }

    private SegmentOpener opener() {
        return new SegmentOpener(new SegmentCipher(keys.contentKey(), header.noncePrefix()), header.segmentSize());
    }

    /**
     * This object's SSE-C key (32 bytes, docs/FORMAT.md §8), for stores that also encrypt it with
     * a customer-provided key. The caller zeroes the array after use.
     */
    public byte[] sseCKey() {
        return keys.sseCKey();
    }

    @Override
    public void close() {
        keys.close();
    }

    /** Decrypts segments {@code first..last} of a range and hands out the requested slice. */
    private static final class RangeStream extends VerifiedPlaintextStream {
        private final InputStream ciphertext;
        private final SegmentOpener opener;
        private final byte[] ctBuffer;
        private final byte[] ptBuffer;
        private final long lastNeeded;
        private final long segmentCount;
        private long index;
        private long skip;
        private long remaining;
        private int ptPos;
        private int ptLen;

        RangeStream(InputStream ciphertext, SegmentOpener opener, int segmentSize, long first, long lastNeeded,
                    long segmentCount, long skip, long remaining) {
            this.ciphertext = ciphertext;
            this.opener = opener;
            this.ctBuffer = new byte[segmentSize + FormatV1.TAG_LENGTH];
            this.ptBuffer = new byte[segmentSize];
            this.index = first;
            this.lastNeeded = lastNeeded;
            this.segmentCount = segmentCount;
            this.skip = skip;
            this.remaining = remaining;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (ptPos == ptLen) {
                if (index > lastNeeded) {
                    throw CiphertextException.of(Failure.TRUNCATED, "range ended before the requested bytes");
                }
                int n = ciphertext.readNBytes(ctBuffer, 0, ctBuffer.length);
                boolean physicallyLast = index == segmentCount - 1;
                int expected = physicallyLast ? n : ctBuffer.length;
                if (n < expected || n == 0) {
                    throw CiphertextException.of(Failure.TRUNCATED, "the store returned " + n
                            + " bytes for segment " + index + ", fewer than its length");
                }
                ptLen = opener.open(index, physicallyLast, segmentCount, ctBuffer, 0, n, ptBuffer, 0);
                ptPos = (int) Math.min(skip, ptLen);
                skip -= ptPos;
                index++;
            }
            int n = (int) Math.min(Math.min(len, ptLen - ptPos), remaining);
            System.arraycopy(ptBuffer, ptPos, b, off, n);
            ptPos += n;
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            Arrays.fill(ptBuffer, (byte) 0);
            ciphertext.close();
        }
    }
}
