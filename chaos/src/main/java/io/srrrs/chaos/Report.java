package io.srrrs.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's figures as a table: what was published, what became of it, what the faults were and
 * how long the pipeline took to recover from each. {@link #failed()} is the exit code's source.
 */
record Report(String runId, ChaosPlan plan, String storeKind, List<Payload> payloads, Verifier.Result verdict,
              ChunkAudit.Result chunks, LeakScan.Result leaks, List<Recovery.Figure> recovery,
              Map<String, Double> phases, int undecodedDeadLetters, List<String> selfExits) {

    boolean failed() {
        return !verdict.lost().isEmpty() || !chunks.duplicates().isEmpty() || !verdict.both().isEmpty()
                || !verdict.corrupt().isEmpty() || !leaks.leaks().isEmpty() || verdict.openUploads() > 0
                || !verdict.unexpectedObjects().isEmpty() || !verdict.unpublished().isEmpty()
                || recovery.stream().anyMatch(f -> !f.fault().survived());
    }

    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("");
        out.add(String.format(Locale.ROOT, "SRRRS fault-injection run %s — seed %d (%s form), store %s%s", runId,
                plan.seed(), plan.shortForm() ? "short" : "full", storeKind,
                storeKind.equals("ceph-rgw") ? " (SSE-C enforced)" : " (no SSE-C: S3Proxy)"));
        outcomeRows(out);
        faultRows(out);
        out.add("");
        out.addAll(faultTable());
        details(out, "LOST", verdict.lost());
        details(out, "DUPLICATED", chunks.duplicates());
        details(out, "OBJECT AND DEAD LETTER", verdict.both());
        details(out, "CORRUPT", verdict.corrupt());
        details(out, "UNEXPECTED OBJECT", verdict.unexpectedObjects());
        details(out, "LEAK", leaks.leaks());
        details(out, "NOT ACKNOWLEDGED", verdict.unpublished());
        details(out, "DEAD-LETTERED", verdict.deadLettered());
        details(out, "EXITED BY ITSELF", selfExits);
        out.add("");
        out.add(failed() ? "chaos run FAILED" : "every reference accounted for, nothing lost, duplicated, corrupt or leaked: OK");
        return out;
    }

    /** What became of the references, of the chunk topic, and of the canaries. */
    private void outcomeRows(List<String> out) {
        row(out, "objects published", published());
        row(out, "objects verified (SHA-256)", Integer.toString(verdict.verified()));
        row(out, "refused as designed", verdict.refusedAsExpected() + " (" + Payload.EXPECTED_REFUSAL + ")");
        row(out, "dead-lettered otherwise", verdict.deadLettered().size() + (verdict.deadLetterReasons().isEmpty() ? ""
                : " " + verdict.deadLetterReasons()));
        if (undecodedDeadLetters > 0) {
            row(out, "dead letters undecodable", Integer.toString(undecodedDeadLetters));
        }
        row(out, "LOST", Integer.toString(verdict.lost().size()));
        row(out, "DUPLICATED (committed twice)", Integer.toString(chunks.duplicates().size()));
        row(out, "object AND dead letter", Integer.toString(verdict.both().size()));
        row(out, "CORRUPT", Integer.toString(verdict.corrupt().size()));
        row(out, "unexpected objects", Integer.toString(verdict.unexpectedObjects().size()));
        row(out, "open multipart uploads", Integer.toString(verdict.openUploads()));
        row(out, "not acknowledged by Kafka", Integer.toString(verdict.unpublished().size()));
        row(out, "canary LEAKS", String.format(Locale.ROOT, "%d (scanned %,d store + %,d Kafka + %,d other bytes)",
                leaks.leaks().size(), leaks.storeBytes(), leaks.kafkaBytes(), leaks.otherBytes()));
        row(out, "chunk topic (read_committed)", String.format(Locale.ROOT, "%,d records, %,d bytes%s", chunks.records(),
                chunks.bytes(), chunks.undecodable() > 0 ? ", " + chunks.undecodable() + " undecodable" : ""));
        row(out, "  transactions left open", chunks.openTransactions().size()
                + (chunks.openTransactions().isEmpty() ? "" : " (readers wait behind them: " + chunks.openTransactions() + ")"));
    }

    /** What the faults did: survived or not, how long the recovery took, and the run's wall time. */
    private void faultRows(List<String> out) {
        row(out, "kills survived", survived(Fault.Kind.TOPOLOGY_KILL, "topology") + ", "
                + survived(Fault.Kind.WORKER_KILL, "Connect workers"));
        row(out, "outages survived", survived(Fault.Kind.STORE_OUTAGE, "store") + ", " + survived(Fault.Kind.KMS_OUTAGE, "KMS")
                + ", " + survived(Fault.Kind.REGISTRY_OUTAGE, "registry") + ", " + survived(Fault.Kind.BROKER_RESTART, "broker"));
        row(out, "exited by themselves", selfExits.size() + (selfExits.isEmpty() ? ""
                : " (started again, as an orchestrator would)"));
        row(out, "joins/leaves", survived(Fault.Kind.TOPOLOGY_JOIN, "topology join") + ", "
                + survived(Fault.Kind.WORKER_JOIN, "worker join") + " (each left again)");
        row(out, "time to recover (rate back)", worst());
        row(out, "  faults recovered from alone", alone());
        row(out, "wall time", wallTime());
    }

    private String published() {
        long inline = payloads.stream().filter(p -> p.kind() == Payload.Kind.INLINE).count();
        long files = payloads.stream().filter(p -> p.kind() == Payload.Kind.FILE).count();
        long multipart = payloads.stream().filter(p -> p.size() > 5L * 1024 * 1024).count();
        long sseC = payloads.stream().filter(Payload::sseC).count();
        long refused = payloads.stream().filter(p -> !p.mustLand()).count();
        long bytes = payloads.stream().filter(Payload::mustLand).mapToLong(Payload::size).sum();
        long largest = payloads.stream().mapToLong(Payload::size).max().orElse(0);
        return String.format(Locale.ROOT, "%d (inline %d, file %d of which multipart %d, SSE-C %d, to refuse %d); "
                + "%.1f MB, largest %.1f MiB", payloads.size(), inline, files, multipart, sseC, refused, bytes / 1e6,
                largest / 1048576.0);
    }

    private String survived(Fault.Kind kind, String name) {
        List<Recovery.Figure> of = recovery.stream().filter(f -> f.fault().fault().kind() == kind).toList();
        long skipped = of.stream().filter(f -> f.fault().target().equals(FaultInjector.SKIPPED)).count();
        long ok = of.stream().filter(f -> f.fault().survived()).count() - skipped;
        return name + " " + ok + "/" + (of.size() - skipped) + (skipped > 0 ? " (" + skipped + " skipped: none alive)" : "");
    }

    private String worst() {
        List<Double> rate = recovery.stream().filter(f -> f.fault().survived()).map(Recovery.Figure::rateBack).toList();
        long never = rate.stream().filter(r -> r == null).count();
        double max = rate.stream().filter(r -> r != null).mapToDouble(Double::doubleValue).max().orElse(0);
        double median = rate.stream().filter(r -> r != null).sorted().skip(Math.max(0, (rate.size() - never - 1) / 2))
                .findFirst().orElse(0.0);
        return String.format(Locale.ROOT, "worst %.1f s, median %.1f s%s", max, median,
                never > 0 ? ", " + never + " never within the run" : "");
    }

    /** The same figures over the faults nothing else overlapped: the cleanest measure there is. */
    private String alone() {
        List<Double> clean = recovery.stream().filter(f -> !f.overlapped() && f.rateBack() != null)
                .map(Recovery.Figure::rateBack).sorted().toList();
        if (clean.isEmpty()) {
            return "none (every fault overlapped another)";
        }
        return String.format(Locale.ROOT, "%d, worst %.1f s, median %.1f s", clean.size(), clean.get(clean.size() - 1),
                clean.get((clean.size() - 1) / 2));
    }

    private String wallTime() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.0f s", phases.getOrDefault("total", 0.0)));
        sb.append(" (");
        phases.forEach((k, v) -> {
            if (!k.equals("total")) {
                sb.append(String.format(Locale.ROOT, "%s %.0f s, ", k, v));
            }
        });
        return sb.substring(0, sb.length() - 2) + ")";
    }

    private List<String> faultTable() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "  %-3s %7s  %-26s %-22s %8s %10s %10s", "#", "at (s)", "fault", "target",
                "down (s)", "rate back", "caught up") + "   (* = another fault during the recovery)");
        int i = 1;
        for (Recovery.Figure f : recovery) {
            FaultRecord r = f.fault();
            out.add(String.format(Locale.ROOT, "  %-3d %7.1f  %-26s %-22s %8.1f %10s %10s%s", i++,
                    r.fault().atMillis() / 1000.0, r.fault().kind().label, r.target(), (r.endNanos() - r.startNanos()) / 1e9,
                    seconds(f.rateBack()) + (f.overlapped() ? "*" : " "), seconds(f.caughtUp()),
                    r.note().isEmpty() ? "" : "  " + r.note()));
        }
        return out;
    }

    private static String seconds(Double s) {
        return s == null ? "never" : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static void details(List<String> out, String label, List<String> items) {
        items.stream().limit(25).forEach(s -> out.add("  " + label + ": " + s));
        if (items.size() > 25) {
            out.add("  ... and " + (items.size() - 25) + " more " + label);
        }
    }

    private static void row(List<String> out, String name, String value) {
        out.add(String.format(Locale.ROOT, "  %-32s %s", name, value));
    }
}
