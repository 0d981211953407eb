package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Retries transient KMS failures ({@link KmsUnavailableException}, {@link KmsThrottledException})
 * with exponential backoff and full jitter; unknown keys, access denied, disabled keys and
 * wrapped DEKs that do not open fail at once, since asking again cannot change the answer.
 */
public final class ResilientKms extends ForwardingKms {

    /**
     * When to retry. The defaults are {@link #DEFAULTS}'s, the {@code kms.retry.*} keys of
     * {@link KmsConfig} override them.
     *
     * @param maxAttempts    calls in all, the first included
     * @param initialBackoff upper bound of the first wait
     * @param maxBackoff     upper bound of any wait
     */
    public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        /** The defaults; the one place they are stated (the {@code kms.retry.*} documentation shows them). */
        public static final RetryPolicy DEFAULTS = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5));

        /** Refuses fewer than one attempt, a negative initial backoff, and a max backoff below it. */
        public RetryPolicy {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("max attempts must be at least 1");
            }
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("backoffs must satisfy 0 <= initial <= max");
            }
        }

        /** Upper bound of the wait before retry {@code retry} (1-based): initial × 2^(retry-1), capped. */
        long ceilingMillis(int retry) {
            long initial = initialBackoff.toMillis();
            long ceiling = retry >= 31 ? Long.MAX_VALUE : initial << (retry - 1);
            return Math.min(maxBackoff.toMillis(), ceiling < 0 ? Long.MAX_VALUE : ceiling);
        }
    }

    /** Waits; replaceable so tests need not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper SYSTEM = Thread::sleep;

        void sleep(long millis) throws InterruptedException;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws KmsException;
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final LongAdder retries = new LongAdder();

    /**
     * Retries {@code delegate}'s transient failures under {@code policy}, waiting with {@code sleeper}
     * (tests pass one that does not sleep).
     */
    public ResilientKms(Kms delegate, RetryPolicy policy, Sleeper sleeper) {
        super(delegate);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** As the three-argument constructor, really sleeping between attempts. */
    public ResilientKms(Kms delegate, RetryPolicy policy) {
        this(delegate, policy, Sleeper.SYSTEM);
    }

    /** Retries made since start (not counting first attempts). */
    public long retries() {
        return retries.sum();
    }

    private <T> T withRetries(Call<T> call) throws KmsException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (KmsException e) {
                if (!e.isTransient() || attempt >= policy.maxAttempts()) {
                    throw e;
                }
                retries.increment();
                long ceiling = policy.ceilingMillis(attempt);
                long wait = ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public KekId resolve(String aliasOrId) throws KmsException {
        return withRetries(() -> delegate.resolve(aliasOrId));
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        return withRetries(() -> delegate.generateDataKey(kek, context));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        return withRetries(() -> delegate.unwrap(wrapped, context));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
        return withRetries(() -> delegate.rewrap(wrapped, context, target));
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return withRetries(() -> delegate.generateDataKey(kek, context, wrapping));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return withRetries(() -> delegate.unwrap(wrapped, context, wrapping));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        return withRetries(() -> delegate.rewrap(wrapped, context, wrapping, target));
    }
}
