package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link DecryptingInputStream#transferTo}, which writes whole segments from its own buffer
 * instead of the inherited loop of reads: the same bytes as reading, after any partial read, and
 * no byte of a segment that does not authenticate.
 */
class TransferToTest {

    private static final int S = 100;

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.oneOf(Arbitraries.of(0, 1, S - 1, S, S + 1, 2 * S, 7 * S + 3),
                Arbitraries.integers().between(0, 20 * S));
    }

    @Property(tries = 200)
    void transferToAfterAPartialReadGivesTheRest(@ForAll("sizes") int size,
                                                 @ForAll @IntRange(min = 0, max = 250) int readFirst) throws IOException {
        byte[] plaintext = TestObjects.randomBytes(size);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] object = TestObjects.encrypt(dek, plaintext, S);
            try (ObjectDecryptor dec = open(dek, object);
                 InputStream in = dec.decrypt(new ByteArrayInputStream(object))) {
                byte[] head = in.readNBytes(readFirst);
                ByteArrayOutputStream rest = new ByteArrayOutputStream();
                long n = in.transferTo(rest);
                assertThat(n).isEqualTo(rest.size());
                byte[] all = Arrays.copyOf(head, head.length + rest.size());
                System.arraycopy(rest.toByteArray(), 0, all, head.length, rest.size());
                assertThat(all).isEqualTo(plaintext);
                assertThat(in.read()).isEqualTo(-1);
                assertThat(in.transferTo(new ByteArrayOutputStream())).isZero();
            }
        }
    }

    @Example
    void aModifiedSegmentIsRefusedAndNoneOfItsBytesAreWritten() throws IOException {
        byte[] plaintext = TestObjects.randomBytes(4 * S);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] object = TestObjects.encrypt(dek, plaintext, S);
            object[FormatV1.HEADER_LENGTH + 2 * (S + FormatV1.TAG_LENGTH) + 5] ^= 1; // in segment 2
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ObjectDecryptor dec = open(dek, object);
                 InputStream in = dec.decrypt(new ByteArrayInputStream(object))) {
                CiphertextException e = catchThrowableOfType(CiphertextException.class, () -> in.transferTo(out));
                assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
            }
            assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(plaintext, 2 * S));
        }
    }

    @Example
    void aTruncatedObjectFailsRatherThanEndingEarly() throws IOException {
        byte[] plaintext = TestObjects.randomBytes(3 * S + 7);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] object = TestObjects.encrypt(dek, plaintext, S);
            byte[] cut = Arrays.copyOf(object, FormatV1.HEADER_LENGTH + 2 * (S + FormatV1.TAG_LENGTH));
            try (ObjectDecryptor dec = open(dek, cut);
                 InputStream in = dec.decrypt(new ByteArrayInputStream(cut))) {
                CiphertextException e = catchThrowableOfType(CiphertextException.class,
                        () -> in.transferTo(new ByteArrayOutputStream()));
                assertThat(e.failure()).isEqualTo(Failure.TRUNCATED);
            }
        }
    }

    private static ObjectDecryptor open(DataKey dek, byte[] object) throws IOException {
        return ObjectDecryptor.open(FormatHeader.read(new ByteArrayInputStream(object)), dek, TestObjects.IDENTITY,
                TestObjects.CONTEXT);
    }
}
