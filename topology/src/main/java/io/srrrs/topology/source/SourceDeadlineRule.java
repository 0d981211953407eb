package io.srrrs.topology.source;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * The rule that keeps a slow source from outliving its transaction, checked at start:
 *
 * <pre>
 *   srrrs.source.deadline.ms + commit.interval.ms + 60 000  &le;  producer transaction.timeout.ms
 *   srrrs.source.deadline.ms + commit.interval.ms + 60 000  &le;  consumer max.poll.interval.ms
 * </pre>
 *
 * <p>What one transaction reads of a source is one slice of an object
 * ({@code srrrs.transaction.slice.bytes}, D49), or all of a payload smaller than that, or the
 * whole rest of an object finished at once (a new reference for its bucket/key arrived, or its
 * task holds too many objects in progress). The deadline bounds exactly that: it starts when the
 * source is opened, stops between two slices and starts anew for the next, and so bounds the
 * reads of one transaction, not of a whole large object. A source that took longer than the
 * transaction may live would get the producer fenced by the coordinator: the task migrates, its
 * work is tried again, and a fencing is not a failure that counts towards
 * {@code srrrs.transient.max.attempts}, so it could go on for ever. With the rule, the deadline
 * always strikes first and the reference goes to the DLQ as SOURCE_FAILED in a transaction that
 * commits. The 60 s margin is for what else happens in that transaction (the KMS, sealing,
 * producing the chunks); the commit interval is how long a transaction may already be open when
 * the work starts. The same holds against the consumer's poll interval, past which the member
 * leaves the group with the same effect.
 */
public final class SourceDeadlineRule {

    /** Time in one transaction besides the source's reads: KMS call, sealing, producing. */
    public static final long MARGIN_MS = 60_000;
    static final String DEADLINE = "srrrs.source.deadline.ms";
    /** Replaced by srrrs.source.deadline.ms: refused so that a setting of it is not silently ignored. */
    static final String REMOVED_HTTPS_TIMEOUT = "srrrs.source.https.timeout.ms";
    /** Kafka Streams' commit.interval.ms default under exactly_once_v2. */
    private static final long EOS_COMMIT_INTERVAL_DEFAULT = 100;
    /** The clients' own defaults, for when neither our defaults nor the operator set them. */
    private static final long TRANSACTION_TIMEOUT_DEFAULT = 60_000;
    private static final long MAX_POLL_INTERVAL_DEFAULT = 300_000;

    private SourceDeadlineRule() {
    }

    /**
     * Refuses, with the rule in the message, a deadline that does not fit; {@code streams} is
     * what Kafka Streams is given (prefixed keys win over plain ones, as in Kafka Streams).
     */
    public static void check(long deadlineMs, Properties streams, Map<String, String> raw) {
        if (raw.containsKey(REMOVED_HTTPS_TIMEOUT)) {
            throw new ConfigException(REMOVED_HTTPS_TIMEOUT, raw.get(REMOVED_HTTPS_TIMEOUT), "replaced by " + DEADLINE
                    + ", one deadline for the whole of every source (connect, headers, body)");
        }
        long commit = commitInterval(streams);
        long needed = deadlineMs + commit + MARGIN_MS;
        refuseIfOver(deadlineMs, commit, needed, "transaction.timeout.ms", transactionTimeout(streams));
        refuseIfOver(deadlineMs, commit, needed, "max.poll.interval.ms", pollInterval(streams));
    }

    /**
     * How long one process() call may go on retrying a reference in place before it starts another
     * attempt: what is left of the shorter of the transaction and poll limits once a whole attempt
     * (deadline + margin) and the commit interval are set aside. Past it, the caller aborts the
     * transaction instead, so that retries in place never outlive the transaction either.
     */
    public static long inPlaceRetryBudget(long deadlineMs, Properties streams) {
        long limit = Math.min(transactionTimeout(streams), pollInterval(streams));
        return Math.max(0, limit - commitInterval(streams) - MARGIN_MS - deadlineMs);
    }

    private static long commitInterval(Properties streams) {
        return value(streams, EOS_COMMIT_INTERVAL_DEFAULT, "commit.interval.ms");
    }

    private static long transactionTimeout(Properties streams) {
        return value(streams, TRANSACTION_TIMEOUT_DEFAULT, "producer.transaction.timeout.ms", "transaction.timeout.ms");
    }

    private static long pollInterval(Properties streams) {
        return value(streams, MAX_POLL_INTERVAL_DEFAULT, "main.consumer.max.poll.interval.ms",
                "consumer.max.poll.interval.ms", "max.poll.interval.ms");
    }

    private static void refuseIfOver(long deadline, long commit, long needed, String what, long limit) {
        if (needed > limit) {
            throw new ConfigException(DEADLINE, deadline, "what one transaction reads of a source (a slice of an "
                    + "object, or a payload smaller than one) must always end before the transaction does: " + DEADLINE
                    + " + commit.interval.ms + " + MARGIN_MS + " must not exceed the " + what + " Kafka Streams uses, but "
                    + deadline + " + " + commit + " + " + MARGIN_MS + " = " + needed + " > " + limit
                    + "; lower " + DEADLINE + " to at most " + (limit - commit - MARGIN_MS) + " or raise " + what);
        }
    }

    /** The first of {@code keys} that is set, as a number of milliseconds. */
    private static long value(Properties p, long fallback, String... keys) {
        for (String key : keys) {
            String v = p.getProperty(key);
            if (v != null && !v.isBlank()) {
                try {
                    return Long.parseLong(v.trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException(key, v, "must be a whole number of milliseconds");
                }
            }
        }
        return fallback;
    }
}
