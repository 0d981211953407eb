package io.srrrs.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatV1;

import java.security.SecureRandom;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** A tampered segment costs a bounded number of trial decryptions (docs/FORMAT.md §5.1), whatever its size. */
class DiagnosisBudgetTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static SegmentCipher cipher() {
        byte[] key = new byte[32];
        byte[] prefix = new byte[FormatV1.NONCE_PREFIX_LENGTH];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(prefix);
        return new SegmentCipher(new SecretKeySpec(key, "AES"), prefix);
    }

    /** Segment {@code index} of {@code s} random bytes, encrypted, with one byte flipped. */
    private static byte[] tamperedSegment(SegmentCipher cipher, int s, long index) {
        byte[] plain = new byte[s];
        RANDOM.nextBytes(plain);
        byte[] ct = new byte[s + FormatV1.TAG_LENGTH];
        cipher.encrypt(index, false, plain, 0, s, ct, 0);
        ct[s / 2] ^= 1;
        return ct;
    }

    @Test
    void aTamperedLargeSegmentIsNotDiagnosedBeyondTheBudget() {
        int s = 4 << 20; // 4 MiB segments: each trial decrypts 4 MiB
        SegmentCipher cipher = cipher();
        byte[] ct = tamperedSegment(cipher, s, 40);
        SegmentOpener opener = new SegmentOpener(cipher, s);
        CiphertextException e = assertThrows(CiphertextException.class,
                () -> opener.open(40, false, -1, ct, 0, ct.length, new byte[s], 0));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
        assertThat(e.getMessage()).contains("not diagnosed further");
        // Only the other finality flag: 4 MiB of trial decryption, not 129 × 4 MiB.
        assertThat(opener.trials()).isEqualTo(1);
    }

    @Test
    void theBudgetIsAMebibyteOfTrialDecryptionPerFailedSegment() {
        int s = 64 * 1024;
        SegmentCipher cipher = cipher();
        byte[] ct = tamperedSegment(cipher, s, 40);
        SegmentOpener opener = new SegmentOpener(cipher, s);
        assertThrows(CiphertextException.class, () -> opener.open(40, false, -1, ct, 0, ct.length, new byte[s], 0));
        int limit = SegmentOpener.trialLimit(ct.length);
        assertThat(limit).isEqualTo(SegmentOpener.DIAGNOSIS_BUDGET_BYTES / (s + 16)).isEqualTo(15);
        assertThat(opener.trials()).isEqualTo(limit);
        assertThat(opener.trials() * ct.length).isLessThanOrEqualTo(SegmentOpener.DIAGNOSIS_BUDGET_BYTES);
    }

    @Test
    void smallSegmentsAreStillDiagnosedOverTheWholeWindow() {
        int s = 64;
        SegmentCipher cipher = cipher();
        byte[] ct = tamperedSegment(cipher, s, 40);
        SegmentOpener opener = new SegmentOpener(cipher, s);
        CiphertextException e = assertThrows(CiphertextException.class,
                () -> opener.open(40, false, -1, ct, 0, ct.length, new byte[s], 0));
        assertThat(e.getMessage()).doesNotContain("not diagnosed further");
        assertThat(opener.trials()).isEqualTo(1 + 4 * SegmentOpener.REORDER_SEARCH_WINDOW);
    }

    @Test
    void aSegmentWithinBudgetIsStillFoundOutOfOrder() {
        int s = 64 * 1024;
        SegmentCipher cipher = cipher();
        byte[] plain = new byte[s];
        byte[] ct = new byte[s + FormatV1.TAG_LENGTH];
        cipher.encrypt(41, false, plain, 0, s, ct, 0); // segment 41 found at position 40
        SegmentOpener opener = new SegmentOpener(cipher, s);
        CiphertextException e = assertThrows(CiphertextException.class,
                () -> opener.open(40, false, -1, ct, 0, ct.length, new byte[s], 0));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
        // other flag, (39, 0), (39, 1), then (41, 0)
        assertThat(opener.trials()).isEqualTo(4);
    }
}
