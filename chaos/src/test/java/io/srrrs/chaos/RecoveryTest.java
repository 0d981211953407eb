package io.srrrs.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RecoveryTest {

    static final long S = 1_000_000_000L;

    /** Ten objects a second for 100 s, each landing 1 s after it was sent, except during a gap. */
    static long[] landings(long[] sent, long gapFrom, long gapTo) {
        return LongStream.of(sent).map(t -> t + S).map(t -> t >= gapFrom && t < gapTo ? gapTo + (t - gapFrom) / 5 : t)
                .toArray();
    }

    static long[] sent() {
        return LongStream.range(0, 1000).map(i -> i * S / 10).toArray();
    }

    static FaultRecord fault(Fault.Kind kind, long start, long end) {
        return new FaultRecord(new Fault(kind, start / 1_000_000), "x", start, end, true, "");
    }

    @Test
    void anOutageIsRecoveredFromWhenTheBacklogLandsAtTheNormalRateAgain() {
        long[] sent = sent();
        long[] landed = landings(sent, 30 * S, 60 * S); // nothing lands during 30 s, then the backlog at 5x
        Recovery r = new Recovery(sent, landed, 10, 110 * S);
        Recovery.Figure f = r.figures(List.of(fault(Fault.Kind.STORE_OUTAGE, 30 * S, 60 * S))).get(0);
        assertThat(f.rateBack()).isCloseTo(0.0, within(1.0));
        assertThat(f.caughtUp()).isCloseTo(6.0, within(1.5)); // the 300 waiting land at 50/s
        assertThat(f.overlapped()).isFalse();
    }

    @Test
    void aKillThatStopsLandingsForTwentySecondsTakesAboutThatLong() {
        long[] sent = sent();
        long[] landed = landings(sent, 40 * S, 60 * S);
        Recovery r = new Recovery(sent, landed, 10, 110 * S);
        Recovery.Figure f = r.figures(List.of(fault(Fault.Kind.TOPOLOGY_KILL, 40 * S, 44 * S))).get(0);
        // Landings resume at 60 s; the first good 5 s window may begin up to 5 s earlier.
        assertThat(f.rateBack()).isBetween(15.0, 20.0);
    }

    @Test
    void aPipelineThatNeverLandsAgainNeverRecovers() {
        long[] sent = sent();
        long[] landed = LongStream.of(sent).filter(t -> t < 50 * S).map(t -> t + S).toArray();
        Recovery r = new Recovery(sent, landed, 10, 110 * S);
        assertThat(r.figures(List.of(fault(Fault.Kind.WORKER_KILL, 50 * S, 52 * S))).get(0).rateBack()).isNull();
    }

    @Test
    void faultsDuringAnotherOnesRecoveryAreMarked() {
        long[] sent = sent();
        long[] landed = landings(sent, 40 * S, 60 * S);
        Recovery r = new Recovery(sent, landed, 10, 110 * S);
        List<Recovery.Figure> figures = r.figures(List.of(fault(Fault.Kind.TOPOLOGY_KILL, 40 * S, 44 * S),
                fault(Fault.Kind.WORKER_KILL, 50 * S, 55 * S)));
        assertThat(figures.get(0).overlapped()).isTrue();
    }
}
