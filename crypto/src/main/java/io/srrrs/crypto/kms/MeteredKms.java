package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every call that reaches the KMS below it: calls, failures by exception type, and
 * latency (total and maximum) per operation. Place it inside the caches and outside the retries
 * to count logical KMS calls; snapshots feed Kafka's metrics registry in the topology. An S3EC call
 * counts under the same operation as a v1 one; {@link #callsByWrapping()} tells them apart.
 */
public final class MeteredKms extends ForwardingKms {

    /** The SPI's operations, each counted on its own. */
    public enum Operation {
        RESOLVE("resolve"), GENERATE_DATA_KEY("generate"), UNWRAP("unwrap"), REWRAP("rewrap");

        private final String label;

        Operation(String label) {
            this.label = label;
        }

        /** The short name metrics label it with ({@code operation="generate"}). */
        public String label() {
            return label;
        }
    }

    /**
     * Told of every call as it ends, on the caller's thread: what a latency histogram needs, which
     * the totals of a {@link Snapshot} cannot give. It must be quick and must not throw.
     */
    @FunctionalInterface
    public interface CallListener {
        /** @param failed whether the call threw */
        void called(Operation operation, long nanos, boolean failed);
    }

    /** One operation's counters at one moment. */
    public record OperationStats(long calls, long failures, long totalLatencyNanos, long maxLatencyNanos) {
    }

    /** All counters at one moment: per operation, and failures by exception type (simple class name). */
    public record Snapshot(Map<Operation, OperationStats> operations, Map<String, Long> failuresByType) {
        /** Calls of {@code op} so far, failed ones included. */
        public long calls(Operation op) {
            return operations.get(op).calls();
        }

        /** Calls of every operation together. */
        public long totalCalls() {
            return operations.values().stream().mapToLong(OperationStats::calls).sum();
        }
    }

    private static final class Counters {
        final LongAdder calls = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder latency = new LongAdder();
        final LongAccumulator max = new LongAccumulator(Math::max, 0);
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws KmsException;
    }

    private final Map<Operation, Counters> counters = new EnumMap<>(Operation.class);
    private final ConcurrentHashMap<String, LongAdder> failuresByType = new ConcurrentHashMap<>();
    private final Map<DekWrapping, LongAdder> byWrapping = new EnumMap<>(DekWrapping.class);
    private final List<CallListener> listeners = new CopyOnWriteArrayList<>();

    /** Counts the calls that reach {@code delegate}. */
    public MeteredKms(Kms delegate) {
        super(delegate);
        for (Operation op : Operation.values()) {
            counters.put(op, new Counters());
        }
        for (DekWrapping w : DekWrapping.values()) {
            byWrapping.put(w, new LongAdder());
        }
    }

    private <T> T measured(Operation op, Call<T> call) throws KmsException {
        Counters c = counters.get(op);
        long start = System.nanoTime();
        boolean failed = false;
        try {
            return call.run();
        } catch (KmsException | RuntimeException e) {
            failed = true;
            c.failures.increment();
            failuresByType.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
            throw e;
        } finally {
            long nanos = System.nanoTime() - start;
            c.calls.increment();
            c.latency.add(nanos);
            c.max.accumulate(nanos);
            for (CallListener l : listeners) {
                l.called(op, nanos, failed);
            }
        }
    }

    /** Tells {@code listener} of every call from now on. */
    public void addListener(CallListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops telling {@code listener}. */
    public void removeListener(CallListener listener) {
        listeners.remove(listener);
    }

    /**
     * The first {@code MeteredKms} in a stack of decorators, outermost first ({@link DecoratedKms#kms()}
     * holds one below its caches), so a caller given only the stack can listen to its real calls.
     */
    public static Optional<MeteredKms> in(Kms stack) {
        Kms k = stack;
        while (k instanceof ForwardingKms f) {
            if (f instanceof MeteredKms m) {
                return Optional.of(m);
            }
            k = f.delegate;
        }
        return Optional.empty();
    }

    /** As {@link #measured(Operation, Call)}, also counted under {@code wrapping}. */
    private <T> T measured(Operation op, DekWrapping wrapping, Call<T> call) throws KmsException {
        byWrapping.get(wrapping).increment();
        return measured(op, call);
    }

    /**
     * Generate, unwrap and rewrap calls so far per DEK wrapping (format v1's, S3EC V3's, V2's); the
     * per-operation counters of {@link #snapshot()} count them all alike.
     */
    public Map<DekWrapping, Long> callsByWrapping() {
        Map<DekWrapping, Long> out = new EnumMap<>(DekWrapping.class);
        byWrapping.forEach((w, n) -> out.put(w, n.sum()));
        return out;
    }

    /** Calls of every operation so far, without building a snapshot. */
    public long totalCalls() {
        long n = 0;
        for (Counters c : counters.values()) {
            n += c.calls.sum();
        }
        return n;
    }

    /** The counters now; later calls do not change the snapshot. */
    public Snapshot snapshot() {
        Map<Operation, OperationStats> ops = new EnumMap<>(Operation.class);
        counters.forEach((op, c) -> ops.put(op, new OperationStats(c.calls.sum(), c.failures.sum(), c.latency.sum(), c.max.get())));
        Map<String, Long> failures = new TreeMap<>();
        failuresByType.forEach((k, v) -> failures.put(k, v.sum()));
        return new Snapshot(ops, failures);
    }

    @Override
    public KekId resolve(String aliasOrId) throws KmsException {
        return measured(Operation.RESOLVE, () -> delegate.resolve(aliasOrId));
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        return measured(Operation.GENERATE_DATA_KEY, DekWrapping.SRRRS_V1,
                () -> delegate.generateDataKey(kek, context));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        return measured(Operation.UNWRAP, DekWrapping.SRRRS_V1, () -> delegate.unwrap(wrapped, context));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
        return measured(Operation.REWRAP, DekWrapping.SRRRS_V1, () -> delegate.rewrap(wrapped, context, target));
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return measured(Operation.GENERATE_DATA_KEY, wrapping, () -> delegate.generateDataKey(kek, context, wrapping));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return measured(Operation.UNWRAP, wrapping, () -> delegate.unwrap(wrapped, context, wrapping));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        return measured(Operation.REWRAP, wrapping, () -> delegate.rewrap(wrapped, context, wrapping, target));
    }
}
