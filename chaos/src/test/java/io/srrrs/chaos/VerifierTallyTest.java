package io.srrrs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the verdict sorts each reference from what the store listing and the dead letters show. */
class VerifierTallyTest {

    private final Verifier.Tally tally = new Verifier.Tally();

    private static Payload payload(int i, Payload.Kind kind) {
        return new Payload(i, "ref-" + i, Workload.BUCKET, "objects/" + i, kind, 10, false, new byte[10], null, "00");
    }

    private static DeadLetters.DeadLetter letter(int i, String reason) {
        return new DeadLetters.DeadLetter("ref-" + i, "topology", reason, "why", 0);
    }

    @Test
    void anObjectIsReadBackAndNeitherObjectNorLetterIsLost() {
        tally.add(payload(1, Payload.Kind.INLINE), true, null, null);
        tally.add(payload(2, Payload.Kind.FILE), false, null, null);
        assertThat(tally.toRead).extracting(Payload::id).containsExactly("ref-1");
        assertThat(tally.lost).containsExactly("objects/2 (ref-2): no object, no dead letter");
        assertThat(tally.both).isEmpty();
    }

    @Test
    void anObjectAndALetterForOneReferenceIsBothAndCountsItsReason() {
        tally.add(payload(1, Payload.Kind.INLINE), true, letter(1, "KMS_UNAVAILABLE"), null);
        assertThat(tally.both).singleElement().asString().contains("an object and a dead letter");
        assertThat(tally.reasons).containsEntry("topology KMS_UNAVAILABLE", 1);
        assertThat(tally.toRead).isEmpty();
    }

    @Test
    void aLetterAloneIsDeadLetteredAndAnUnacknowledgedSendIsSetAside() {
        tally.add(payload(1, Payload.Kind.INLINE), false, letter(1, "SOURCE_UNREADABLE"), null);
        tally.add(payload(2, Payload.Kind.INLINE), false, null, "TimeoutException: gone");
        assertThat(tally.deadLettered).containsExactly("objects/1: topology SOURCE_UNREADABLE why");
        assertThat(tally.skipped).containsExactly("objects/2: not acknowledged by Kafka (TimeoutException: gone)");
        assertThat(tally.lost).isEmpty();
    }

    @Test
    void aReferenceToRefuseMustEndAsTheExpectedLetterAndNeverAsAnObject() {
        tally.add(payload(1, Payload.Kind.REFUSED), false, letter(1, Payload.EXPECTED_REFUSAL), null);
        tally.add(payload(2, Payload.Kind.REFUSED), true, null, null);
        tally.add(payload(3, Payload.Kind.REFUSED), false, letter(3, "OTHER"), null);
        tally.add(payload(4, Payload.Kind.REFUSED), false, null, null);
        assertThat(tally.refused).isEqualTo(1);
        assertThat(tally.both).containsExactly("objects/2: a reference to refuse became an object");
        assertThat(tally.lost).containsExactly(
                "objects/3: expected a " + Payload.EXPECTED_REFUSAL + " dead letter, got OTHER",
                "objects/4: expected a " + Payload.EXPECTED_REFUSAL + " dead letter, got none");
    }
}
