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

    private static final String READ_COMMITTED_WHY = "must be read_committed: the topology writes chunks in "
            + "transactions, and a reader of uncommitted data would see the chunks of aborted ones (the worker "
            + "needs connector.client.config.override.policy=All, the default)";

    @Override
    public void start(Map<String, String> props) {
        new S3SinkConfig(props); // fail at once on a bad configuration, with the key's name
        if (!"read_committed".equals(props.get(READ_COMMITTED))) {
            throw new ConfigException(READ_COMMITTED, props.get(READ_COMMITTED), READ_COMMITTED_WHY);
        }
        this.props = new HashMap<>(props);
    }

    /** Also refuses, at PUT time (HTTP 400), a configuration without read_committed. */
    @Override
    public Config validate(Map<String, String> props) {
        Config config = super.validate(props);
        if ("read_committed".equals(props.get(READ_COMMITTED))) {
            return config;
        }
        List<ConfigValue> values = new ArrayList<>(config.configValues());
        values.add(new ConfigValue(READ_COMMITTED, props.get(READ_COMMITTED), List.of(),
                List.of(READ_COMMITTED + "=" + props.get(READ_COMMITTED) + ": " + READ_COMMITTED_WHY)));
        return new Config(values);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3SinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
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
