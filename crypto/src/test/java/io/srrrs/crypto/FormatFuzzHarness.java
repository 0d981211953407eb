package io.srrrs.crypto;

import io.srrrs.crypto.format.CiphertextLayout;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One input of the format fuzz target: what a reader is handed by an untrusted store, and the
 * properties every reader call must keep. The first byte picks what the rest is:
 *
 * <pre>
 *   0 HEADER    rest = header bytes (also tried as the srrrs-header metadata value)
 *   1 METADATA  rest = "name:value" lines (UTF-8), the object's user metadata map
 *   2 STREAM    key set (1), read style (1), then the whole object
 *   3 RANGE     key set (1), flags (1), offset (u32), length (u32), then the whole object
 *   4 SSE_C     key set (1), then a sealed SSE-C key blob
 * </pre>
 *
 * Properties: every call ends in success or in the refusal its API declares (a
 * {@link CiphertextException}, an {@link InvalidWrappedKeyException} from the KMS, the documented
 * IllegalArgumentException of {@link SseCKeySealer#open}); nothing else escapes. No refusal message
 * holds plaintext or key material. Every released plaintext byte is the genuine plaintext at its
 * position, and a read that succeeds releases exactly the object's plaintext length.
 */
final class FormatFuzzHarness {

    enum Mode { HEADER, METADATA, STREAM, RANGE, SSE_C }

    /** What the reader did with an input that broke no property. */
    enum Outcome { SUCCESS, REFUSED }

    /** Reads of these sizes; 0 means one byte at a time through read(). */
    private static final int[] READ_SIZES = {0, 1, 7, 63, 64, 65, 4096, 65536};

    /** The input as text, both ways a reader may decode it: a message may echo what it was given. */
    private final String inputLatin1;
    private final String inputUtf8;

    private FormatFuzzHarness(byte[] input) {
        this.inputLatin1 = new String(input, StandardCharsets.ISO_8859_1);
        this.inputUtf8 = new String(input, StandardCharsets.UTF_8);
    }

    static Outcome run(byte[] input) throws IOException {
        return new FormatFuzzHarness(input).dispatch(input);
    }

    private Outcome dispatch(byte[] input) throws IOException {
        if (input.length == 0) {
            return Outcome.REFUSED;
        }
        Mode mode = Mode.values()[Math.floorMod(input[0], Mode.values().length)];
        ByteBuffer rest = ByteBuffer.wrap(input, 1, input.length - 1);
        return switch (mode) {
            case HEADER -> header(remaining(rest));
            case METADATA -> metadata(remaining(rest));
            case STREAM -> stream(rest);
            case RANGE -> range(rest);
            case SSE_C -> sseC(rest);
        };
    }

    // ---- the targets ----------------------------------------------------------------------------

    private Outcome header(byte[] bytes) throws IOException {
        Outcome parsed = refusing(() -> {
            FormatHeader h = FormatHeader.parse(bytes);
            check(Arrays.equals(h.toBytes(), bytes), "a parsed header does not encode back to its bytes");
            check(FormatHeader.parseMetadataValue(h.toMetadataValue()).equals(h), "metadata form does not round-trip");
            openWithEveryKeySet(h);
        }, null);
        Outcome read = refusing(() -> {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            FormatHeader h = FormatHeader.read(in);
            check(bytes.length - in.available() == FormatV1.HEADER_LENGTH, "read() did not stop after the header");
            lengths(new CiphertextLayout(h.segmentSize()), bytes);
        }, null);
        check((parsed == Outcome.SUCCESS) == (read == Outcome.SUCCESS && bytes.length == FormatV1.HEADER_LENGTH),
                "parse and read disagree about the same bytes");
        // The same bytes as a metadata value: a reader meets whatever text the store hands it.
        refusing(() -> FormatHeader.parseMetadataValue(new String(bytes, StandardCharsets.ISO_8859_1)), null);
        return parsed;
    }

    /** Layout arithmetic over lengths taken from the input: typed refusals only, never overflow. */
    private void lengths(CiphertextLayout layout, byte[] bytes) throws CiphertextException {
        long objectLength = bytes.length >= 8 ? ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong() : bytes.length;
        for (long n : new long[] {objectLength, objectLength & Long.MAX_VALUE, objectLength & 0xFFFF_FFFFL}) {
            try {
                long p = layout.plaintextLength(n);
                // At least a header and one tag around it. (Not objectLength(p) == n: a length whose
                // last segment would be an empty one after full ones passes here and fails its tag.)
                check(p >= 0 && p <= n - FormatV1.HEADER_LENGTH - FormatV1.TAG_LENGTH,
                        "plaintext length " + p + " for object length " + n);
            } catch (CiphertextException e) {
                checkMessage(e, null);
            }
        }
    }

    private Outcome metadata(byte[] text) throws IOException {
        Map<String, String> map = metadataMap(text);
        return refusing(() -> {
            ObjectMetadata m = ObjectMetadata.fromMap(map);
            check(ObjectMetadata.fromMap(m.toMap()).equals(m), "parsed metadata does not round-trip");
            // A reader's next steps: the KMS opens the wrapped DEK, then the header is verified.
            try (DataKey dek = LocalKeystoreKms.unwrapBlob(m.wrappedDek().kek().value(), m.wrappedDek().blob(),
                    FormatVectors.KEK, m.context())) {
                for (FuzzKeySets.KeySet set : FuzzKeySets.ALL) {
                    refusing(() -> ObjectDecryptor.open(m.header(), dek, set.identity(), m.context()).close(), set);
                }
            }
        }, null);
    }

    private Outcome stream(ByteBuffer in) throws IOException {
        FuzzKeySets.KeySet set = FuzzKeySets.of(next(in));
        int style = next(in);
        int readSize = READ_SIZES[style & 7];
        boolean headerFromBody = (style & 8) != 0;   // else: the srrrs-header metadata of the set
        boolean segmentsOnly = (style & 16) != 0;    // decryptSegments after reading the header
        byte[] object = remaining(in);
        return refusing(() -> {
            FormatHeader header = headerFromBody ? FormatHeader.read(new ByteArrayInputStream(object)) : set.header();
            try (DataKey dek = set.newDek(); ObjectDecryptor dec = ObjectDecryptor.open(header, dek, set.identity(),
                    set.context())) {
                InputStream body = new ByteArrayInputStream(object);
                if (segmentsOnly) {
                    FormatHeader.read(body);
                }
                long released = readAll(segmentsOnly ? dec.decryptSegments(body) : dec.decrypt(body), readSize, set, 0);
                check(released == dec.plaintextLength(object.length),
                        "a whole read released " + released + " bytes of an object of " + object.length);
            }
        }, set);
    }

    private Outcome range(ByteBuffer in) throws IOException {
        FuzzKeySets.KeySet set = FuzzKeySets.of(next(in));
        int flags = next(in);
        long offset = in.remaining() >= 4 ? in.getInt() & 0xFFFF_FFFFL : 0;
        long length = in.remaining() >= 4 ? in.getInt() & 0xFFFF_FFFFL : 0;
        int shortBy = flags & 0x1F;               // the store returns this many bytes fewer than asked
        int readSize = READ_SIZES[(flags >>> 5) & 7];
        byte[] object = remaining(in);
        return refusing(() -> {
            try (DataKey dek = set.newDek(); ObjectDecryptor dec = ObjectDecryptor.open(set.header(), dek,
                    set.identity(), set.context())) {
                long plaintextLength = dec.plaintextLength(object.length);
                long from = offset % (plaintextLength + 2); // sometimes just past the end
                if (from > plaintextLength) {
                    try {
                        dec.decryptRange(shortSource(object, shortBy), from, length).close();
                        throw new AssertionError("a range starting past the plaintext was not refused");
                    } catch (InvalidRangeException documented) {
                        return; // the documented answer to a caller asking beyond the end (INVALID_RANGE)
                    }
                }
                long released = readAll(dec.decryptRange(shortSource(object, shortBy), from, length), readSize, set,
                        from);
                check(released == Math.min(length, plaintextLength - from),
                        "range [" + from + ", +" + length + ") released " + released + " bytes of " + plaintextLength);
            }
        }, set);
    }

    private Outcome sseC(ByteBuffer in) throws IOException {
        FuzzKeySets.KeySet set = FuzzKeySets.of(next(in));
        byte[] sealed = remaining(in);
        try {
            byte[] key = SseCKeySealer.open(FuzzKeySets.SINK_PRIVATE_KEY, sealed, set.identity());
            check(key.length == 32, "an opened SSE-C key is " + key.length + " bytes");
            return Outcome.SUCCESS;
        } catch (IllegalArgumentException documented) {
            checkMessage(documented, set);
            return Outcome.REFUSED;
        }
    }

    // ---- properties -----------------------------------------------------------------------------

    private interface ReaderCall {
        void run() throws IOException, InvalidWrappedKeyException;
    }

    /** Runs a reader call: success, or a typed refusal whose message leaks nothing. */
    private Outcome refusing(ReaderCall call, FuzzKeySets.KeySet set) throws IOException {
        try {
            call.run();
            return Outcome.SUCCESS;
        } catch (CiphertextException | InvalidWrappedKeyException e) {
            checkMessage(e, set);
            return Outcome.REFUSED;
        }
    }

    private void openWithEveryKeySet(FormatHeader h) throws CiphertextException {
        for (FuzzKeySets.KeySet set : FuzzKeySets.ALL) {
            try (DataKey dek = set.newDek()) {
                try {
                    ObjectDecryptor.open(h, dek, set.identity(), set.context()).close();
                    check(h.equals(set.header()), "a header that is not the key set's own opened under it");
                } catch (CiphertextException e) {
                    checkMessage(e, set);
                }
            }
        }
    }

    /**
     * Reads a decrypting stream to its end, checking each released byte against the key set's
     * plaintext at its position. Returns the number of bytes released.
     */
    private long readAll(InputStream plaintext, int readSize, FuzzKeySets.KeySet set, long firstPosition)
            throws IOException {
        long position = firstPosition;
        try (InputStream in = plaintext) {
            byte[] buf = new byte[Math.max(1, readSize)];
            while (true) {
                if (readSize == 0) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    check((byte) b == set.plaintextAt(position), "released byte " + position + " is not the plaintext");
                    position++;
                } else {
                    int n = in.read(buf, 0, buf.length);
                    if (n < 0) {
                        break;
                    }
                    check(n > 0, "read() returned 0 for a non-empty buffer");
                    for (int i = 0; i < n; i++) {
                        check(buf[i] == set.plaintextAt(position + i), "released byte " + (position + i)
                                + " is not the plaintext");
                    }
                    position += n;
                }
            }
        }
        return position - firstPosition;
    }

    private void checkMessage(Throwable e, FuzzKeySets.KeySet set) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            check(t != e || (m != null && !m.isBlank()), "a refusal without a message: " + e);
            if (m == null) {
                continue;
            }
            check(!leaks(m, FuzzKeySets.CANARY_MARK), "a refusal message holds plaintext: " + m);
            for (FuzzKeySets.KeySet s : set == null ? FuzzKeySets.ALL : java.util.List.of(set)) {
                for (String secret : s.secrets()) {
                    check(!leaks(m, secret), "a refusal message holds the DEK: " + m);
                }
            }
        }
    }

    /**
     * Whether {@code message} shows {@code secret} without having been given it: a message that
     * echoes a name from the input (a KEK id, a context value) holds whatever the input held.
     */
    private boolean leaks(String message, String secret) {
        return message.contains(secret) && !inputLatin1.contains(secret) && !inputUtf8.contains(secret);
    }

    private static void check(boolean property, String what) {
        if (!property) {
            throw new AssertionError(what);
        }
    }

    // ---- input decoding -------------------------------------------------------------------------

    private static int next(ByteBuffer in) {
        return in.hasRemaining() ? in.get() & 0xFF : 0;
    }

    private static byte[] remaining(ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        return b;
    }

    /** "name:value" per line; a line without ':' is a name with an empty value. */
    static Map<String, String> metadataMap(byte[] text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            map.put(colon < 0 ? line : line.substring(0, colon), colon < 0 ? "" : line.substring(colon + 1));
        }
        return map;
    }

    /** The object as a store with ranged GETs serves it, answering {@code shortBy} bytes short. */
    private static CiphertextSource shortSource(byte[] object, int shortBy) {
        CiphertextSource whole = CiphertextSource.of(object);
        return new CiphertextSource() {
            @Override
            public long length() {
                return object.length;
            }

            @Override
            public InputStream open(long start, long endExclusive) throws IOException {
                check(0 <= start && start <= endExclusive && endExclusive <= object.length,
                        "range [" + start + ", " + endExclusive + ") outside an object of " + object.length);
                return whole.open(start, Math.max(start, endExclusive - shortBy));
            }
        };
    }

    /** Serialises an input of {@code mode} (for the seed files). */
    static byte[] input(Mode mode, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(mode.ordinal());
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
