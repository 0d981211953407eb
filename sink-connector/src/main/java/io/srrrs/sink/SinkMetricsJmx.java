package io.srrrs.sink;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's {@link SinkMetrics} as MBeans of the platform server, where the Connect worker's JMX
 * exporter agent reads them: {@code io.srrrs.sink:type=sink-task-metrics,connector=C,task=N} with
 * the counters and gauges, one more per refusal reason ({@code ,reason=R}: refusals_total) and per
 * histogram bucket ({@code ,le=B}: upload_seconds_bucket). Our own MBeans rather than Connect's
 * PluginMetrics (KIP-877): they work on any worker version and the names are ours, fixed by the
 * contract, whatever Connect's JmxReporter does with tags. Removed at stop.
 */
final class SinkMetricsJmx implements AutoCloseable {

    static final String DOMAIN = "io.srrrs.sink";
    static final String TYPE = "sink-task-metrics";

    private static final Logger LOG = LoggerFactory.getLogger(SinkMetricsJmx.class);

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();

    private SinkMetricsJmx() {
    }

    /** Registers the task's MBeans (replacing a previous task's of the same name, one restarted in this JVM). */
    static SinkMetricsJmx register(SinkMetrics m, String connector, String task) {
        SinkMetricsJmx jmx = new SinkMetricsJmx();
        String base = baseName(connector, task);
        jmx.add(base, taskAttributes(m));
        for (ChunkRefusedException.Reason r : ChunkRefusedException.Reason.values()) {
            jmx.add(base + ",reason=" + r.name(), Map.of("refusals_total", () -> m.refusals(r)));
        }
        for (int i = 0; i < UploadHistogram.BOUNDS.length; i++) {
            int bucket = i;
            jmx.add(base + ",le=" + UploadHistogram.le(i), Map.of("upload_seconds_bucket",
                    () -> m.uploadSeconds().bucket(bucket)));
        }
        return jmx;
    }

    /** The task MBean's name; connector names with JMX's special characters are quoted, as Kafka's own MBeans do. */
    static String baseName(String connector, String task) {
        return DOMAIN + ":type=" + TYPE + ",connector=" + value(connector) + ",task=" + value(task);
    }

    private static String value(String v) {
        return v.matches("(?s).*[,=:\"*?\\\\\n].*") ? ObjectName.quote(v) : v;
    }

    private static Map<String, Supplier<Number>> taskAttributes(SinkMetrics m) {
        Map<String, Supplier<Number>> a = new LinkedHashMap<>();
        a.put("objects_written_total", m::objectsWritten);
        a.put("bytes_written_total", m::bytesWritten);
        a.put("bytes_discarded_total", m::bytesDiscarded);
        a.put("multipart_parts_total", m::multipartParts);
        a.put("retries_total", m::retries);
        a.put("sse_c_uploads_total", m::sseCUploads);
        a.put("upload_seconds_sum", () -> m.uploadSeconds().sum());
        a.put("upload_seconds_count", () -> m.uploadSeconds().count());
        a.put("objects_in_assembly", m::objectsInAssembly);
        a.put("memory_budget_used_bytes", m::memoryBudgetUsedBytes);
        a.put("oldest_unfinished_object_age_seconds", m::oldestUnfinishedAgeSeconds);
        return a;
    }

    private void add(String name, Map<String, Supplier<Number>> attributes) {
        try {
            ObjectName on = new ObjectName(name);
            if (server.isRegistered(on)) {
                server.unregisterMBean(on); // a task of this name that did not stop cleanly
            }
            server.registerMBean(new ReadOnlyMBean(attributes), on);
            registered.add(on);
        } catch (JMException e) {
            // Metrics must never stop the sink: it writes on, unobserved, and says so.
            LOG.warn("could not register the sink metrics MBean {}: {}", name, e.toString());
        }
    }

    @Override
    public void close() {
        for (ObjectName on : registered) {
            try {
                server.unregisterMBean(on);
            } catch (InstanceNotFoundException gone) {
                // replaced by a newer task of the same name meanwhile: not ours to remove
            } catch (JMException e) {
                LOG.warn("could not unregister {}: {}", on, e.toString());
            }
        }
        registered.clear();
    }
}
