package io.srrrs.topology.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.topology.TopologyConfig;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** srrrs.source.deadline.ms + commit.interval.ms + 60 s must fit in the transaction, checked at start. */
class SourceDeadlineRuleTest {

    static Map<String, String> base() {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", "unused:9092");
        m.put(TopologyConfig.BUCKET_ALLOWED, "*");
        return m;
    }

    @Test
    void theDefaultsFitWithRoomToSpare() {
        TopologyConfig c = TopologyConfig.of(base());
        assertThat(c.getLong(TopologyConfig.SOURCE_DEADLINE)).isEqualTo(300_000L);
        long transaction = Long.parseLong(c.streamsProperties().getProperty("producer.transaction.timeout.ms"));
        assertThat(300_000L + 100 + SourceDeadlineRule.MARGIN_MS).isLessThanOrEqualTo(transaction);
    }

    @Test
    void aDeadlineThatDoesNotFitTheTransactionRefusesToStartSayingTheRule() {
        Map<String, String> m = base();
        m.put(TopologyConfig.SOURCE_DEADLINE, "540000"); // + 100 + 60000 = 600100 > 600000
        assertThatThrownBy(() -> TopologyConfig.of(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("srrrs.source.deadline.ms + commit.interval.ms + 60000 must not exceed the "
                        + "transaction.timeout.ms")
                .hasMessageContaining("600100 > 600000").hasMessageContaining("at most 539900");
        m.put(TopologyConfig.SOURCE_DEADLINE, "539900");
        assertThat(TopologyConfig.of(m).getLong(TopologyConfig.SOURCE_DEADLINE)).isEqualTo(539_900L);
    }

    @Test
    void theTransactionTimeoutAndCommitIntervalAreTheOnesKafkaStreamsUses() {
        Map<String, String> m = base();
        // A plain transaction.timeout.ms loses to our producer.-prefixed default (as in Kafka Streams)...
        m.put("transaction.timeout.ms", "100000");
        assertThat(TopologyConfig.of(m).getLong(TopologyConfig.SOURCE_DEADLINE)).isEqualTo(300_000L);
        // ...a prefixed one is what the producer gets.
        m.put("producer.transaction.timeout.ms", "300000");
        assertThatThrownBy(() -> TopologyConfig.of(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("360100 > 300000");
        m.put("producer.transaction.timeout.ms", "600000");
        m.put("commit.interval.ms", "250000");
        assertThatThrownBy(() -> TopologyConfig.of(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("300000 + 250000 + 60000 = 610000 > 600000");
    }

    @Test
    void theConsumersPollIntervalBoundsItToo() {
        Map<String, String> m = base();
        m.put("consumer.max.poll.interval.ms", "300000");
        assertThatThrownBy(() -> TopologyConfig.of(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("max.poll.interval.ms").hasMessageContaining("360100 > 300000");
    }

    @Test
    void retriesInPlaceGetWhatAWholeAttemptLeavesOfTheTransaction() {
        TopologyConfig c = TopologyConfig.of(base());
        // 600 000 (transaction and poll) - 100 (commit) - 60 000 (margin) - 300 000 (one whole attempt)
        assertThat(SourceDeadlineRule.inPlaceRetryBudget(300_000, c.streamsProperties())).isEqualTo(239_900L);
        Map<String, String> m = base();
        m.put(TopologyConfig.SOURCE_DEADLINE, "539900");
        TopologyConfig tight = TopologyConfig.of(m);
        assertThat(SourceDeadlineRule.inPlaceRetryBudget(539_900, tight.streamsProperties())).isZero();
    }

    @Test
    void theReplacedHttpsTimeoutIsRefusedRatherThanIgnored() {
        Map<String, String> m = base();
        m.put("srrrs.source.https.timeout.ms", "600000");
        assertThatThrownBy(() -> TopologyConfig.of(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("replaced by srrrs.source.deadline.ms");
    }
}
