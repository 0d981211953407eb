package io.srrrs.topology.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A dependency check whose answer is reused for a while: probes come every few seconds from each
 * kubelet and Prometheus, and a KMS bills (or throttles) each call. Concurrent probes wait for
 * one check rather than each making one.
 */
final class CachedCheck {

    private final String what;
    private final Health.Check check;
    private final Duration ttl;
    private final Clock clock;
    private Health last;
    private Instant checkedAt;

    /** @param what the dependency's name, the start of a down reason ("KMS", "schema registry") */
    CachedCheck(String what, Health.Check check, Duration ttl, Clock clock) {
        this.what = what;
        this.check = check;
        this.ttl = ttl;
        this.clock = clock;
    }

    synchronized Health get() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(checkedAt.plus(ttl))) {
            last = runOnce();
            checkedAt = now;
        }
        return last;
    }

    private Health runOnce() {
        try {
            check.run();
            return Health.UP;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down(what + " check interrupted");
        } catch (Exception e) {
            return Health.down(what + " unreachable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
