package io.srrrs.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.kms.UnwrappedDekCache;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The client's metrics in the application's {@link MeterRegistry}, or none without one. Micrometer
 * names; a Prometheus registry shows them as srrrs_client_opens_total{kind},
 * srrrs_client_decrypted_bytes_total, srrrs_client_verification_failures_total{failure} and
 * srrrs_client_unwrap_cache_hits_total. A refusal counts when opening or a read of the stream throws it (once per stream).
 */
final class ClientMetrics {

    static final ClientMetrics NONE = new ClientMetrics();

    enum Kind { WHOLE, RANGE }

    private final Map<Kind, Counter> opens = new EnumMap<>(Kind.class);
    private final Map<CiphertextException.Failure, Counter> failures = new EnumMap<>(CiphertextException.Failure.class);
    private final Counter decryptedBytes;

    private ClientMetrics() {
        this.decryptedBytes = null;
    }

    private ClientMetrics(MeterRegistry registry, Supplier<UnwrappedDekCache.Stats> unwrapCache) {
        for (Kind k : Kind.values()) {
            opens.put(k, Counter.builder("srrrs.client.opens").tag("kind", k.name().toLowerCase(Locale.ROOT))
                    .description("objects opened for reading").register(registry));
        }
        for (CiphertextException.Failure f : CiphertextException.Failure.values()) {
            // Every failure from the start: an alert on a rate sees 0, not a missing series.
            failures.put(f, Counter.builder("srrrs.client.verification.failures").tag("failure", f.name())
                    .description("reads refused, by why").register(registry));
        }
        this.decryptedBytes = Counter.builder("srrrs.client.decrypted.bytes")
                .description("verified plaintext bytes returned").register(registry);
        if (unwrapCache != null) {
            FunctionCounter.builder("srrrs.client.unwrap.cache.hits", unwrapCache, c -> c.get().hits())
                    .description("DEK unwraps served from the unwrap cache").register(registry);
        }
    }

    /**
     * @param registry    null: no metrics
     * @param unwrapCache the unwrap cache's counters (a {@code DecoratedKms}'s), or null when unknown
     */
    static ClientMetrics of(MeterRegistry registry, Supplier<UnwrappedDekCache.Stats> unwrapCache) {
        return registry == null ? NONE : new ClientMetrics(registry, unwrapCache);
    }

    void opened(Kind kind) {
        Counter c = opens.get(kind);
        if (c != null) {
            c.increment();
        }
    }

    void refused(CiphertextException e) {
        Counter c = failures.get(e.failure());
        if (c != null) {
            c.increment();
        }
    }

    /** {@code plaintext}, counting the bytes it returns and the first refusal a read of it throws. */
    InputStream meter(InputStream plaintext) {
        return decryptedBytes == null ? plaintext : new Metered(plaintext);
    }

    private final class Metered extends FilterInputStream {

        /** A refused stream throws again on every later read: counted once. */
        private boolean refused;

        Metered(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = counted(in::read);
            if (b >= 0) {
                decryptedBytes.increment();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = counted(() -> in.read(b, off, len));
            if (n > 0) {
                decryptedBytes.increment(n);
            }
            return n;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            // The decrypting stream's own transferTo (a segment per write), counted as it writes.
            return counted(() -> in.transferTo(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    decryptedBytes.increment();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    decryptedBytes.increment(len);
                }
            }));
        }

        private <T> T counted(Read<T> read) throws IOException {
            try {
                return read.run();
            } catch (CiphertextException e) {
                if (!refused) {
                    refused = true;
                    refused(e);
                }
                throw e;
            }
        }
    }

    private interface Read<T> {
        T run() throws IOException;
    }
}
