package io.srrrs.chaos;

import java.time.Duration;
import java.util.List;

/**
 * What one run does: how many objects, which faults how often, over how long. The short form is
 * what CI runs (about 1 000 objects in at most five minutes on two cores); the full form is the
 * issue's figure (10 000 objects, 20 kills of each kind, every outage).
 *
 * @param publishWindow references are published at an even pace over this window; faults fall in it
 * @param outage        how long the store, the KMS and the registry are each unavailable
 * @param largeFiles    sizes of the big {@code file:} payloads, beside the random small ones
 * @param drainTimeout  how long after the last publish and the last fault the run waits for outcomes
 */
public record ChaosPlan(int objects, int topologyKills, int workerKills, int storeOutages, int kmsOutages,
                        int registryOutages, int brokerRestarts, Duration publishWindow, Duration outage,
                        List<Long> largeFiles, Duration drainTimeout, long seed, boolean shortForm) {

    static final long MIB = 1024 * 1024;

    public ChaosPlan {
        largeFiles = List.copyOf(largeFiles);
        if (objects < largeFiles.size() + 10) {
            throw new IllegalArgumentException("--objects must be at least " + (largeFiles.size() + 10));
        }
    }

    /** About 1 000 objects, a few kills of each, one store and one KMS outage: CI's run. */
    public static ChaosPlan shortForm(long seed) {
        return new ChaosPlan(1000, 3, 3, 1, 1, 0, 0, Duration.ofSeconds(100), Duration.ofSeconds(30),
                List.of(5 * MIB + 1, 12 * MIB), Duration.ofSeconds(150), seed, true);
    }

    /** The figures: 10 000 objects up to 64 MiB, 20 + 20 kills, every outage, a broker restart. */
    public static ChaosPlan fullForm(long seed) {
        return new ChaosPlan(10_000, 20, 20, 2, 1, 1, 1, Duration.ofSeconds(900), Duration.ofSeconds(30),
                List.of(64 * MIB, 64 * MIB + 3, 33 * MIB, 20 * MIB, 12 * MIB, 6 * MIB, 6 * MIB, 5 * MIB + 1),
                Duration.ofSeconds(600), seed, false);
    }

    /**
     * {@code [--short] [--objects N] [--topology-kills N] [--worker-kills N] [--duration S] [--seed X]
     * [--store-outages N] [--kms-outages N] [--registry-outages N] [--broker-restarts N]}.
     */
    public static ChaosPlan parse(String... args) {
        boolean shortForm = List.of(args).contains("--short");
        long seed = System.nanoTime();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--seed")) {
                seed = Long.parseLong(args[i + 1]);
            }
        }
        ChaosPlan p = shortForm ? shortForm(seed) : fullForm(seed);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--short") || a.equals("--seed")) {
                i += a.equals("--seed") ? 1 : 0;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value (try --help)");
            }
            int v = Integer.parseInt(args[++i]);
            p = with(p, a, v);
        }
        return p;
    }

    private static ChaosPlan with(ChaosPlan p, String option, int v) {
        return switch (option) {
            case "--objects" -> new ChaosPlan(v, p.topologyKills, p.workerKills, p.storeOutages, p.kmsOutages,
                    p.registryOutages, p.brokerRestarts, p.publishWindow, p.outage, p.largeFiles, p.drainTimeout, p.seed,
                    p.shortForm);
            case "--topology-kills" -> new ChaosPlan(p.objects, v, p.workerKills, p.storeOutages, p.kmsOutages,
                    p.registryOutages, p.brokerRestarts, p.publishWindow, p.outage, p.largeFiles, p.drainTimeout, p.seed,
                    p.shortForm);
            case "--worker-kills" -> new ChaosPlan(p.objects, p.topologyKills, v, p.storeOutages, p.kmsOutages,
                    p.registryOutages, p.brokerRestarts, p.publishWindow, p.outage, p.largeFiles, p.drainTimeout, p.seed,
                    p.shortForm);
            case "--store-outages" -> new ChaosPlan(p.objects, p.topologyKills, p.workerKills, v, p.kmsOutages,
                    p.registryOutages, p.brokerRestarts, p.publishWindow, p.outage, p.largeFiles, p.drainTimeout, p.seed,
                    p.shortForm);
            case "--kms-outages" -> new ChaosPlan(p.objects, p.topologyKills, p.workerKills, p.storeOutages, v,
                    p.registryOutages, p.brokerRestarts, p.publishWindow, p.outage, p.largeFiles, p.drainTimeout, p.seed,
                    p.shortForm);
            case "--registry-outages" -> new ChaosPlan(p.objects, p.topologyKills, p.workerKills, p.storeOutages,
                    p.kmsOutages, v, p.brokerRestarts, p.publishWindow, p.outage, p.largeFiles, p.drainTimeout, p.seed,
                    p.shortForm);
            case "--broker-restarts" -> new ChaosPlan(p.objects, p.topologyKills, p.workerKills, p.storeOutages,
                    p.kmsOutages, p.registryOutages, v, p.publishWindow, p.outage, p.largeFiles, p.drainTimeout, p.seed,
                    p.shortForm);
            case "--duration" -> new ChaosPlan(p.objects, p.topologyKills, p.workerKills, p.storeOutages, p.kmsOutages,
                    p.registryOutages, p.brokerRestarts, Duration.ofSeconds(v), p.outage, p.largeFiles, p.drainTimeout,
                    p.seed, p.shortForm);
            case "--outage-seconds" -> new ChaosPlan(p.objects, p.topologyKills, p.workerKills, p.storeOutages,
                    p.kmsOutages, p.registryOutages, p.brokerRestarts, p.publishWindow, Duration.ofSeconds(v), p.largeFiles,
                    p.drainTimeout, p.seed, p.shortForm);
            default -> throw new IllegalArgumentException("unknown option " + option + " (try --help)");
        };
    }

    static final String USAGE = """
            usage: bin/chaos [--short] [--objects N] [--topology-kills N] [--worker-kills N] [--duration S]
                             [--seed X] [--store-outages N] [--kms-outages N] [--registry-outages N]
                             [--broker-restarts N] [--outage-seconds S]
              --short       ~1000 objects, 3+3 kills, one store and one KMS outage (CI's form)
              default       10000 objects, 20+20 kills, 2 store, 1 KMS, 1 registry outage, 1 broker restart
              --duration S  the publishing window in seconds (faults fall inside it)
            Exit code 0 when nothing was lost, duplicated, corrupt or leaked; 1 otherwise; 2 on bad usage.""";
}
