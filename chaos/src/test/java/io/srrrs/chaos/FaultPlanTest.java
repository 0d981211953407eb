package io.srrrs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

    @Test
    void theFullFormPlansEveryFaultTheIssueAsksForInsideTheWindow() {
        ChaosPlan plan = ChaosPlan.fullForm(42);
        List<Fault> faults = FaultPlan.schedule(plan);
        assertThat(count(faults, Fault.Kind.TOPOLOGY_KILL)).isEqualTo(20);
        assertThat(count(faults, Fault.Kind.WORKER_KILL)).isEqualTo(20);
        assertThat(count(faults, Fault.Kind.STORE_OUTAGE)).isEqualTo(2);
        assertThat(count(faults, Fault.Kind.KMS_OUTAGE)).isEqualTo(1);
        assertThat(count(faults, Fault.Kind.REGISTRY_OUTAGE)).isEqualTo(1);
        assertThat(count(faults, Fault.Kind.BROKER_RESTART)).isEqualTo(1);
        assertThat(faults).allMatch(f -> f.atMillis() >= 0 && f.atMillis() < plan.publishWindow().toMillis());
        assertThat(faults).isSorted();
    }

    @Test
    void outagesNeverOverlapAndKmsAndRegistryOutagesEachHaveAKillInside() {
        for (long seed = 0; seed < 50; seed++) {
            ChaosPlan plan = ChaosPlan.parse("--seed", Long.toString(seed), "--registry-outages", "1");
            List<Fault> faults = FaultPlan.schedule(plan);
            List<Fault> outages = faults.stream().filter(f -> f.kind().isOutage()).toList();
            for (int i = 1; i < outages.size(); i++) {
                assertThat(outages.get(i).atMillis()).as("seed %d", seed)
                        .isGreaterThanOrEqualTo(outages.get(i - 1).atMillis() + plan.outage().toMillis());
            }
            for (Fault o : outages.stream().filter(f -> f.kind() == Fault.Kind.KMS_OUTAGE
                    || f.kind() == Fault.Kind.REGISTRY_OUTAGE).toList()) {
                assertThat(faults).as("seed %d: a topology kill inside %s", seed, o).anyMatch(f ->
                        f.kind() == Fault.Kind.TOPOLOGY_KILL && f.atMillis() > o.atMillis()
                                && f.atMillis() < o.atMillis() + plan.outage().toMillis());
            }
        }
    }

    @Test
    void aSeedReplaysTheSameSchedule() {
        assertThat(FaultPlan.schedule(ChaosPlan.shortForm(7))).isEqualTo(FaultPlan.schedule(ChaosPlan.shortForm(7)))
                .isNotEqualTo(FaultPlan.schedule(ChaosPlan.shortForm(8)));
    }

    @Test
    void optionsOverrideTheFormsDefaults() {
        ChaosPlan p = ChaosPlan.parse("--short", "--objects", "300", "--topology-kills", "1", "--worker-kills", "2",
                "--duration", "60", "--seed", "5");
        assertThat(p.objects()).isEqualTo(300);
        assertThat(p.topologyKills()).isEqualTo(1);
        assertThat(p.workerKills()).isEqualTo(2);
        assertThat(p.publishWindow().toSeconds()).isEqualTo(60);
        assertThat(p.seed()).isEqualTo(5);
        assertThat(p.shortForm()).isTrue();
    }

    private static long count(List<Fault> faults, Fault.Kind kind) {
        return faults.stream().filter(f -> f.kind() == kind).count();
    }
}
