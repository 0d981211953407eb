package io.srrrs.chaos;

/**
 * What one fault did ({@link FaultInjector} writes one per fault): its target, when it hit and
 * when its target was back, and whether it came back.
 */
record FaultRecord(Fault fault, String target, long startNanos, long endNanos, boolean survived, String note) {

    /** Recovery is timed from the kill for a kill, from the restore for an outage. */
    long recoveryFromNanos() {
        return fault.kind().isOutage() ? endNanos : startNanos;
    }
}
