package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/connect/jmx-exporter.yaml turns the MBeans a sink task registers into exactly the metric
 * names, types and labels of the contract (issue 14), and leaves none of our attributes unexported.
 */
class JmxExporterRulesTest {

    /** The contract's sink metrics: name, Prometheus type (UNTYPED for a histogram's series), labels. */
    static final Map<String, String> CONTRACT = Map.ofEntries(
            Map.entry("srrrs_sink_objects_written_total", "COUNTER"),
            Map.entry("srrrs_sink_bytes_written_total", "COUNTER"),
            Map.entry("srrrs_sink_bytes_discarded_total", "COUNTER"),
            Map.entry("srrrs_sink_upload_seconds", "UNTYPED"),
            Map.entry("srrrs_sink_upload_seconds_sum", "UNTYPED"),
            Map.entry("srrrs_sink_upload_seconds_count", "UNTYPED"),
            Map.entry("srrrs_sink_multipart_parts_total", "COUNTER"),
            Map.entry("srrrs_sink_retries_total", "COUNTER"),
            Map.entry("srrrs_sink_refusals_total", "COUNTER"),
            Map.entry("srrrs_sink_objects_in_assembly", "GAUGE"),
            Map.entry("srrrs_sink_memory_budget_used_bytes", "GAUGE"),
            Map.entry("srrrs_sink_sse_c_uploads_total", "COUNTER"),
            Map.entry("srrrs_sink_oldest_unfinished_object_age_seconds", "GAUGE"));

    static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    SinkMetrics metrics;
    SinkMetricsJmx jmx;

    @BeforeEach
    void register() {
        metrics = new SinkMetrics(System::nanoTime, () -> 123);
        jmx = SinkMetricsJmx.register(metrics, "orders-sink", "7");
    }

    @AfterEach
    void unregister() {
        jmx.close();
    }

    List<ExporterRules.Sample> scrape() throws Exception {
        return ExporterRules.load().scrape(JMX, new ObjectName(SinkMetricsJmx.DOMAIN + ":*"));
    }

    @Test
    void everyContractMetricIsProducedWithItsTypeAndLabels() throws Exception {
        List<ExporterRules.Sample> samples = scrape();
        Set<String> names = samples.stream().map(ExporterRules.Sample::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(names).containsExactlyInAnyOrderElementsOf(CONTRACT.keySet());
        for (ExporterRules.Sample s : samples) {
            assertThat(s.type()).as(s.name()).isEqualTo(CONTRACT.get(s.name()));
            assertThat(s.labels()).as(s.name()).containsEntry("connector", "orders-sink").containsEntry("task", "7");
            Set<String> extra = new TreeSet<>(s.labels().keySet());
            extra.removeAll(Set.of("connector", "task"));
            Set<String> expected = switch (s.name()) {
                case "srrrs_sink_refusals_total" -> Set.of("reason");
                case "srrrs_sink_upload_seconds" -> Set.of("le");
                default -> Set.of();
            };
            assertThat(extra).as(s.name()).isEqualTo(expected);
        }
        assertThat(samples.stream().filter(s -> s.name().equals("srrrs_sink_upload_seconds")).map(s -> s.labels().get("le")))
                .containsExactlyInAnyOrder("0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "+Inf");
        assertThat(samples.stream().filter(s -> s.name().equals("srrrs_sink_refusals_total"))
                .map(s -> s.labels().get("reason")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ChunkRefusedException.Reason.values())
                        .map(Enum::name).toList());
        assertThat(samples).filteredOn(s -> s.name().equals("srrrs_sink_memory_budget_used_bytes"))
                .singleElement().extracting(ExporterRules.Sample::value).isEqualTo(123.0);
    }

    @Test
    void noAttributeOfOursIsLeftUnexported() throws Exception {
        ExporterRules rules = ExporterRules.load();
        assertThat(rules.includeObjectNames).contains(SinkMetricsJmx.DOMAIN + ":*");
        for (ObjectName bean : JMX.queryNames(new ObjectName(SinkMetricsJmx.DOMAIN + ":*"), null)) {
            for (MBeanAttributeInfo a : JMX.getMBeanInfo(bean).getAttributes()) {
                assertThat(rules.apply(bean, a.getName(), (Number) JMX.getAttribute(bean, a.getName())))
                        .as("%s %s", bean, a.getName()).isPresent();
            }
        }
    }

    @Test
    void valuesFollowTheMetrics() throws Exception {
        metrics.refused(ChunkRefusedException.Reason.SEQUENCE_GAP);
        metrics.refused(ChunkRefusedException.Reason.SEQUENCE_GAP);
        metrics.retried(3);
        List<ExporterRules.Sample> samples = scrape();
        assertThat(samples).filteredOn(s -> s.name().equals("srrrs_sink_refusals_total")
                && "SEQUENCE_GAP".equals(s.labels().get("reason"))).singleElement()
                .extracting(ExporterRules.Sample::value).isEqualTo(2.0);
        assertThat(samples).filteredOn(s -> s.name().equals("srrrs_sink_retries_total")).singleElement()
                .extracting(ExporterRules.Sample::value).isEqualTo(3.0);
    }
}
