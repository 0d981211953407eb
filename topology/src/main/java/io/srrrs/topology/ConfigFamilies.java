package io.srrrs.topology;

import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.serdes.registry.RegistryConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How the one configuration file of {@link TopologyConfig} feeds its four readers: our keys
 * ({@code srrrs.*}), the KMS's ({@code kms.*}), the registry's ({@code schema.registry.*}) and,
 * with everything else, Kafka Streams over the defaults a long-running encryption job needs.
 */
final class ConfigFamilies {

    private ConfigFamilies() {
    }

    /** Every key an environment variable may set: the documented keys of every family. */
    static List<String> overridableKeys() {
        Set<String> keys = new TreeSet<>(TopologyConfig.DEFINITION.names());
        keys.addAll(KmsConfig.COMMON_KEYS.keySet());
        KmsConfig.factories().forEach(f -> keys.addAll(f.documentation().keySet()));
        keys.addAll(List.of(RegistryConfig.URL, RegistryConfig.BASIC_AUTH_USER_INFO, RegistryConfig.TRUSTSTORE_LOCATION,
                RegistryConfig.TRUSTSTORE_PASSWORD, RegistryConfig.TRUSTSTORE_TYPE, RegistryConfig.REQUEST_TIMEOUT_MS));
        keys.addAll(StreamsConfig.configDef().names());
        ProducerConfig.configNames().forEach(k -> keys.add("producer." + k));
        ConsumerConfig.configNames().forEach(k -> keys.add("consumer." + k));
        keys.addAll(ProducerConfig.configNames());
        return List.copyOf(keys);
    }

    static Map<String, String> ours(Map<String, String> raw) {
        Map<String, String> m = new HashMap<>();
        raw.forEach((k, v) -> {
            if (TopologyConfig.DEFINITION.names().contains(k)) {
                m.put(k, v);
            }
        });
        return m;
    }

    static Map<String, String> kms(Map<String, String> raw) {
        Map<String, String> m = new HashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith("kms.")) {
                m.put(k, v);
            }
        });
        return m;
    }

    static Map<String, Object> registry(Map<String, String> raw) {
        Map<String, Object> m = new HashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith("schema.registry.") || k.startsWith("basic.auth.") || k.equals("auto.register.schemas")) {
                m.put(k, v);
            }
        });
        return m;
    }

    static Properties streams(Map<String, String> raw) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "srrrs-encryptor");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A slice of an object is one transaction (D49), but the rest of an object finished at once
        // (a new version of its key arrived) is one too, and its source has srrrs.source.deadline.ms.
        p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), "600000");
        p.put(StreamsConfig.producerPrefix("max.request.size"), "1048576");
        p.put(StreamsConfig.consumerPrefix("max.poll.interval.ms"), "900000");
        p.put(StreamsConfig.consumerPrefix("max.poll.records"), "100");
        // With the input idle, each loop of a stream thread blocks in poll() this long before its
        // punctuations: the gap between two slices of an object in progress (default 100 ms).
        p.put(StreamsConfig.POLL_MS_CONFIG, "10");
        // A warm copy of each task's store of seen ids on another instance: after a kill -9 the task
        // moves there without restoring its changelog first (issue 9: recovery within a minute).
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        Map<String, Object> registry = registry(raw);
        raw.forEach((k, v) -> {
            boolean ours = k.startsWith("srrrs.") || k.startsWith("kms.") || registry.containsKey(k);
            if (!ours) {
                p.put(k, v);
            }
        });
        return p;
    }

    /** Of the Streams properties, what a plain producer, consumer or admin client needs: servers and security. */
    static Map<String, Object> kafkaClients(Properties streams) {
        Map<String, Object> m = new HashMap<>();
        for (String k : streams.stringPropertyNames()) {
            if (k.equals("bootstrap.servers") || k.startsWith("security.") || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                m.put(k, streams.getProperty(k));
            }
        }
        return m;
    }
}
