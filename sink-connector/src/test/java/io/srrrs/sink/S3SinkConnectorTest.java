package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/**
 * The connector's configuration gate, without a store: what {@code validate} (PUT time) refuses,
 * {@code start} and the task's configuration refuse too, naming the key.
 */
class S3SinkConnectorTest {

    /** Everything a working deployment sets, but the bucket allow-list. */
    static Map<String, String> withoutBuckets() {
        Map<String, String> p = new HashMap<>();
        p.put("consumer.override.isolation.level", "read_committed");
        p.put("errors.tolerance", "all");
        p.put("errors.deadletterqueue.topic.name", "chunks.sink-dlq");
        p.put("errors.retry.timeout", "-1");
        p.put(S3SinkConfig.STORE_URL, "https://s3.example:443");
        return p;
    }

    static List<String> errors(Map<String, String> props, String key) {
        return new S3SinkConnector().validate(props).configValues().stream().filter(v -> v.name().equals(key))
                .flatMap(v -> v.errorMessages().stream()).toList();
    }

    static List<String> allErrors(Map<String, String> props) {
        return new S3SinkConnector().validate(props).configValues().stream().map(ConfigValue::errorMessages)
                .flatMap(List::stream).toList();
    }

    @Test
    void aMissingOrEmptyBucketListIsRefusedAtValidateAndAtStart() {
        Map<String, String> missing = withoutBuckets();
        assertThat(errors(missing, S3SinkConfig.BUCKETS)).isNotEmpty().allMatch(m -> m.contains(S3SinkConfig.BUCKETS))
                .anyMatch(m -> m.contains("* for any bucket"));
        assertThatThrownBy(() -> new S3SinkConnector().start(missing)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(S3SinkConfig.BUCKETS);
        for (String empty : List.of("", " ", " , ")) {
            Map<String, String> props = withoutBuckets();
            props.put(S3SinkConfig.BUCKETS, empty);
            assertThat(errors(props, S3SinkConfig.BUCKETS)).as("'%s'", empty).singleElement().asString()
                    .contains("* for any bucket");
            assertThatThrownBy(() -> new S3SinkConnector().start(props)).as("'%s'", empty)
                    .isInstanceOf(ConfigException.class).hasMessageContaining(S3SinkConfig.BUCKETS)
                    .hasMessageContaining("* for any bucket");
            assertThatThrownBy(() -> new S3SinkConfig(props)).as("the task's configuration too")
                    .isInstanceOf(ConfigException.class).hasMessageContaining(S3SinkConfig.BUCKETS);
        }
    }

    @Test
    void starNamesAndPrefixPatternsAreAcceptedAndAMisplacedStarIsNot() {
        for (String ok : List.of("*", "invoices", "invoices,archive", "tenant-*,archive")) {
            Map<String, String> props = withoutBuckets();
            props.put(S3SinkConfig.BUCKETS, ok);
            assertThat(allErrors(props)).as(ok).isEmpty();
            assertThatCode(() -> new S3SinkConnector().start(props)).as(ok).doesNotThrowAnyException();
        }
        for (String bad : List.of("in*voices", "*-archive", "**", "a b")) {
            Map<String, String> props = withoutBuckets();
            props.put(S3SinkConfig.BUCKETS, bad);
            assertThat(errors(props, S3SinkConfig.BUCKETS)).as(bad).singleElement().asString().contains("one * at the end");
            assertThatThrownBy(() -> new S3SinkConnector().start(props)).as(bad).isInstanceOf(ConfigException.class);
        }
    }

    @Test
    void theAllowListMatchesNamesPrefixesOrAnything() {
        BucketAllowList list = new BucketAllowList(List.of("invoices", "tenant-*"));
        assertThat(list.allows("invoices")).isTrue();
        assertThat(list.allows("invoices2")).as("a name is exact").isFalse();
        assertThat(list.allows("tenant-acme")).isTrue();
        assertThat(list.allows("tenant")).isFalse();
        assertThat(list.allows("archive")).isFalse();
        assertThat(list.exactNames()).as("what the start-up sweep can list").containsExactly("invoices");
        BucketAllowList any = new BucketAllowList(List.of("*"));
        assertThat(any.allows("whatever")).isTrue();
        assertThat(any.exactNames()).isEmpty();
    }
}
