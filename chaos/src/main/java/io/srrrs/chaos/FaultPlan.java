package io.srrrs.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each fault happens, drawn from the run's seed before anything starts (so a seed replays the
 * same schedule). Outages get slots of their own, never overlapping one another; kills fall
 * anywhere, and one topology kill and one worker kill are placed inside each KMS and registry
 * outage, because only a process that starts during one needs the KMS or the registry at once
 * (running ones hold DEKs and schema ids in their caches).
 */
final class FaultPlan {

    private FaultPlan() {
    }

    static List<Fault> schedule(ChaosPlan plan) {
        Random random = new Random(plan.seed() ^ 0x5DEECE66DL);
        long window = plan.publishWindow().toMillis();
        long outage = plan.outage().toMillis();
        List<Fault> faults = new ArrayList<>();
        List<Fault.Kind> outages = new ArrayList<>();
        add(outages, Fault.Kind.STORE_OUTAGE, plan.storeOutages());
        add(outages, Fault.Kind.KMS_OUTAGE, plan.kmsOutages());
        add(outages, Fault.Kind.REGISTRY_OUTAGE, plan.registryOutages());
        add(outages, Fault.Kind.BROKER_RESTART, plan.brokerRestarts());
        Collections.shuffle(outages, random);
        int topologyKills = plan.topologyKills();
        int workerKills = plan.workerKills();
        long from = window * 8 / 100;
        long slot = outages.isEmpty() ? 0 : (window * 80 / 100 - from) / outages.size();
        for (int i = 0; i < outages.size(); i++) {
            Fault.Kind kind = outages.get(i);
            long room = Math.max(0, slot - outage - 5_000);
            long at = from + i * slot + (room == 0 ? 0 : (long) (random.nextDouble() * room));
            faults.add(new Fault(kind, at));
            if (kind == Fault.Kind.KMS_OUTAGE || kind == Fault.Kind.REGISTRY_OUTAGE) {
                long inside = Math.max(1_000, outage - 8_000);
                if (topologyKills-- > 0) {
                    faults.add(new Fault(Fault.Kind.TOPOLOGY_KILL, at + 2_000 + (long) (random.nextDouble() * inside / 2)));
                }
                if (workerKills-- > 0) {
                    faults.add(new Fault(Fault.Kind.WORKER_KILL, at + 2_000 + (long) (random.nextDouble() * inside / 2)));
                }
            }
        }
        for (int i = 0; i < Math.max(0, topologyKills); i++) {
            faults.add(new Fault(Fault.Kind.TOPOLOGY_KILL, anywhere(random, window)));
        }
        for (int i = 0; i < Math.max(0, workerKills); i++) {
            faults.add(new Fault(Fault.Kind.WORKER_KILL, anywhere(random, window)));
        }
        if (window >= 60_000) {
            faults.add(new Fault(Fault.Kind.TOPOLOGY_JOIN, window * 25 / 100 + random.nextInt(5_000)));
            faults.add(new Fault(Fault.Kind.TOPOLOGY_LEAVE, window * 65 / 100 + random.nextInt(5_000)));
            faults.add(new Fault(Fault.Kind.WORKER_JOIN, window * 30 / 100 + random.nextInt(5_000)));
            faults.add(new Fault(Fault.Kind.WORKER_LEAVE, window * 70 / 100 + random.nextInt(5_000)));
        }
        Collections.sort(faults);
        return faults;
    }

    private static long anywhere(Random random, long window) {
        return window * 5 / 100 + (long) (random.nextDouble() * window * 87 / 100);
    }

    private static void add(List<Fault.Kind> list, Fault.Kind kind, int n) {
        for (int i = 0; i < n; i++) {
            list.add(kind);
        }
    }
}
