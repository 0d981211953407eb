package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code srrrs status} reads Prometheus text as a scraper does: samples summed over their labels. */
class LiveFiguresTest {

    @Test
    void samplesAreSummedByNameOverTheirLabelsAndOtherLinesIgnored() {
        Map<String, Double> sums = LiveFigures.sums(String.join("\n",
                "# HELP srrrs_topology_references_rejected_total references sent to the DLQ",
                "# TYPE srrrs_topology_references_rejected_total counter",
                "srrrs_topology_references_rejected_total{reason=\"PATH_NOT_ALLOWED\"} 2.0",
                "srrrs_topology_references_rejected_total{reason=\"NO_KEK\",x=\"a b\"} 1.0",
                "srrrs_sink_objects_in_assembly{connector=\"srrrs-sink\",task=\"0\"} 0.0 1700000000000",
                "srrrs_topology_ready 1",
                "jvm_memory_used_bytes{area=\"heap\"} 12345.0",
                "srrrs_broken{a=\"b\"} not-a-number"));
        assertThat(sums).containsEntry("srrrs_topology_references_rejected_total", 3.0)
                .containsEntry("srrrs_sink_objects_in_assembly", 0.0).containsEntry("srrrs_topology_ready", 1.0)
                .doesNotContainKeys("jvm_memory_used_bytes", "srrrs_broken");
    }

    @Test
    void anEndpointThatDoesNotAnswerGivesNoFigures() {
        assertThat(LiveFigures.scrape("http://127.0.0.1:9/metrics")).isEmpty();
    }
}
