package io.srrrs.chaos;

import io.srrrs.crypto.format.OutputFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The pipeline side of {@code bin/bench e2e}: references published through the one {@link Publisher}
 * of the run (so no workload pays a producer's first metadata fetch), each object's visibility
 * from a {@link LandingWatch} on the workload's own prefix, listed every 100 ms.
 */
final class E2ePipeline {

    static final long LISTING_MILLIS = 100;

    private final ChaosStack stack;
    private final Publisher publisher;
    private final RunLog log;

    E2ePipeline(ChaosStack stack, Publisher publisher, RunLog log) {
        this.stack = stack;
        this.publisher = publisher;
        this.log = log;
    }

    /**
     * Publishes {@code payloads} (keys under {@link E2ePayloads#dir}{@code (workload, format)}),
     * each reference naming {@code format}, evenly over {@code window} (zero: as fast as the
     * producer takes them) and waits until every object is visible; the row spans the first publish
     * to the last object visible. Objects still missing after the timeout are named in the row's side.
     */
    E2eTable.Row run(String workload, OutputFormat format, List<Payload> payloads, Duration window) throws Exception {
        long bytes = payloads.stream().mapToLong(Payload::size).sum();
        List<String> keys = payloads.stream().map(Payload::key).toList();
        long kms = kmsCalls();
        Map<String, Long> landed;
        try (LandingWatch watch = new LandingWatch(stack.store.config(), E2ePayloads.prefix(E2ePayloads.dir(workload, format)), LISTING_MILLIS,
                keys)) {
            watch.start();
            log.info(String.format("%s %s: publishing %d references (%.1f MB)", workload, format.id(), payloads.size(),
                    bytes / 1e6));
            publisher.publish(payloads, format, System.nanoTime(), window, () -> false);
            // 10 MB/s at the least, and two minutes besides: a slower pipeline is reported, not waited for.
            long timeoutNanos = window.toNanos() + Duration.ofMinutes(2).toNanos() + bytes * 100;
            awaitLanded(watch, keys, System.nanoTime() + timeoutNanos);
            landed = Map.copyOf(watch.landedAt());
        }
        Map<String, Long> sent = publisher.sentAt();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        List<Long> latencies = new java.util.ArrayList<>();
        for (Payload p : payloads) {
            Long s = sent.get(p.id());
            Long l = landed.get(p.key());
            if (s != null) {
                first = Math.min(first, s);
            }
            if (s != null && l != null) {
                last = Math.max(last, l);
                latencies.add(Math.max(0, l - s));
            }
        }
        String side = "pipeline " + format.id() + (latencies.size() == payloads.size() ? ""
                : " (" + (payloads.size() - latencies.size()) + " NOT VISIBLE)");
        return new E2eTable.Row(workload, side, latencies.size(), bytes * latencies.size() / Math.max(1, payloads.size()),
                Math.max(1, last - first), latencies.stream().mapToLong(Long::longValue).toArray(), kmsCalls() - kms,
                "", "");
    }

    private void awaitLanded(LandingWatch watch, List<String> keys, long deadline) throws InterruptedException {
        long nextReport = System.nanoTime() + 15_000_000_000L;
        while (true) {
            long open = keys.stream().filter(k -> !watch.landedAt().containsKey(k)).count();
            if (open == 0 || System.nanoTime() > deadline) {
                return;
            }
            if (System.nanoTime() > nextReport) {
                log.info(open + " of " + keys.size() + " objects not visible yet");
                nextReport = System.nanoTime() + 15_000_000_000L;
            }
            Thread.sleep(20);
        }
    }

    /** Requests moto has answered so far (its request log: one line per KMS call). */
    long kmsCalls() {
        Path log = stack.moto.log();
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("\"POST / HTTP")).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
