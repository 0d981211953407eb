package io.srrrs.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
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
 *  "store.url": "https://s3.example", "s3.bucket.name": "invoices", ...}
 * </pre>
 */
public final class S3SinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        new S3SinkConfig(props); // fail at once on a bad configuration, with the key's name
        this.props = new HashMap<>(props);
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
