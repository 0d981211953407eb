package io.srrrs.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes the encryption topology's EncryptedChunk records into an S3-compatible store, one
 * object per reference, exactly once. Deploy with one call:
 * <pre>
 * PUT /connectors/srrrs-s3-sink/config
 * {"connector.class": "io.srrrs.sink.S3SinkConnector", "topics": "ciphertext-chunks",
 *  "value.converter": "io.srrrs.serdes.connect.AvroConverter",
 *  "value.converter.schema.registry.url": "https://registry:8443/apis/ccompat/v7",
 *  "consumer.override.isolation.level": "read_committed",
 *  "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "ciphertext-chunks.sink-dlq",
 *  "errors.retry.timeout": "-1",
 *  "store.url": "https://s3.example", "s3.bucket.name": "invoices", ...}
 * </pre>
 */
public final class S3SinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    /** The consumer setting without which a sink would read chunks of aborted transactions. */
    static final String READ_COMMITTED = "consumer.override.isolation.level";
    static final String ERRORS_TOLERANCE = "errors.tolerance";
    static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";
    /** The connector's name, which Connect puts in its configuration: the metrics' connector label. */
    static final String NAME = "name";
    /** Set by {@link #taskConfigs} on each task's configuration: the metrics' task label. */
    static final String TASK_INDEX = "srrrs.task.index";
    static final String RETRY_TIMEOUT = "errors.retry.timeout";

    private static final String READ_COMMITTED_WHY = "must be read_committed: the topology writes chunks in "
            + "transactions, and a reader of uncommitted data would see the chunks of aborted ones (the worker "
            + "needs connector.client.config.override.policy=All, the default)";
    private static final String TOLERANCE_WHY = "must be all, with " + DLQ_TOPIC + " set: a chunk that can never be "
            + "written then goes to that topic with its reason and the task goes on (with none, one bad chunk stops "
            + "the task; with all and no topic, Connect drops it silently)";
    private static final String RETRY_WHY = "must be -1: a chunk whose schema the registry cannot be asked for "
            + "during an outage is retried until the registry is back (Connect's default 0 would dead-letter it, "
            + "and its object with it); errors.retry.delay.max.ms bounds the wait between tries";
    private static final String DLQ_WHY = "must name the topic refused chunks go to, with their reason (and "
            + "errors.tolerance=all)";

    @Override
    public void start(Map<String, String> props) {
        new S3SinkConfig(props); // fail at once on a bad configuration, with the key's name
        List<ConfigValue> problems = problems(props);
        if (!problems.isEmpty()) {
            ConfigValue p = problems.get(0);
            throw new ConfigException(p.name(), p.value(), p.errorMessages().get(0));
        }
        this.props = new HashMap<>(props);
    }

    /**
     * Also refuses, at PUT time (HTTP 400), a configuration that would read aborted chunks, stop on
     * one bad chunk or drop it silently.
     */
    @Override
    public Config validate(Map<String, String> props) {
        Config config = super.validate(props);
        List<ConfigValue> problems = problems(props);
        if (problems.isEmpty()) {
            return config;
        }
        List<ConfigValue> values = new ArrayList<>(config.configValues());
        values.addAll(problems);
        return new Config(values);
    }

    /** The Connect-level settings exactly-once and never-stop depend on, each wrong one with why. */
    private static List<ConfigValue> problems(Map<String, String> props) {
        List<ConfigValue> problems = new ArrayList<>();
        require(problems, props, READ_COMMITTED, "read_committed".equals(props.get(READ_COMMITTED)), READ_COMMITTED_WHY);
        require(problems, props, ERRORS_TOLERANCE, "all".equals(props.get(ERRORS_TOLERANCE)), TOLERANCE_WHY);
        String dlq = props.get(DLQ_TOPIC);
        require(problems, props, DLQ_TOPIC, dlq != null && !dlq.isBlank(), DLQ_WHY);
        require(problems, props, RETRY_TIMEOUT, "-1".equals(props.get(RETRY_TIMEOUT)), RETRY_WHY);
        return problems;
    }

    private static void require(List<ConfigValue> problems, Map<String, String> props, String key, boolean ok,
                                String why) {
        if (!ok) {
            problems.add(new ConfigValue(key, props.get(key), List.of(), List.of(key + "=" + props.get(key) + ": " + why)));
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3SinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(TASK_INDEX, Integer.toString(i)); // Connect does not tell a task its number: its metrics need it
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return S3SinkConfig.DEFINITION;
    }
}
