package io.srrrs.chaos;

import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.Sha256;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the workload's references at an even pace over the plan's window, as producers would
 * while the faults happen. Each reference is sent once (the producer is idempotent and retries for
 * up to ten minutes, through a broker restart); its send time and acknowledgement are recorded.
 * A send that fails for good is recorded too: its reference may or may not exist, so it is left
 * out of the checks and counted on its own.
 */
final class Publisher implements AutoCloseable {

    private final KafkaProducer<String, PayloadReference> producer;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final AtomicInteger acked = new AtomicInteger();

    Publisher(ChaosStack stack) {
        Map<String, Object> p = new HashMap<>(stack.kafka.clientProperties());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("delivery.timeout.ms", "600000");
        p.put("request.timeout.ms", "30000");
        p.put("max.block.ms", "600000");
        p.put("max.request.size", Integer.toString(2 << 20));
        var registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(new HashMap<>(stack.registryClientConfig())));
        producer = new KafkaProducer<>(p, new StringSerializer(), new AvroSerializer<>(registry, true));
    }

    /**
     * Sends every payload, the i-th at {@code start + i * window / n}; returns when the last is sent.
     * The references name no format: the topology's default (srrrs-v1) applies.
     */
    void publish(List<Payload> payloads, long startNanos, Duration window, BooleanSupplier stop)
            throws InterruptedException {
        publish(payloads, null, startNanos, window, stop);
    }

    /** As above, every reference naming {@code format} (null: none, the topology's default). */
    void publish(List<Payload> payloads, OutputFormat format, long startNanos, Duration window, BooleanSupplier stop)
            throws InterruptedException {
        long step = window.toNanos() / Math.max(1, payloads.size());
        for (Payload payload : payloads) {
            long due = startNanos + payload.index() * step;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (stop.getAsBoolean()) {
                return;
            }
            PayloadReference ref = reference(payload, format);
            sentAt.put(payload.id(), System.nanoTime());
            producer.send(new ProducerRecord<>(ChaosStack.INPUT, payload.id(), ref), (md, e) -> {
                if (e == null) {
                    acked.incrementAndGet();
                } else {
                    failed.put(payload.id(), e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            });
        }
        producer.flush();
    }

    /** The reference of {@code p} in {@code format} (null: the reference names none). */
    static PayloadReference reference(Payload p, OutputFormat format) {
        PayloadReference.Builder b = PayloadReference.newBuilder();
        if (p.kind() == Payload.Kind.INLINE) {
            b.setSource(new InlineSource(ByteBuffer.wrap(p.data())));
        } else {
            b.setSource(new UriSource(p.file().toUri().toString()));
        }
        return b.setId(p.id()).setBucket(p.bucket()).setKey(p.key()).setKekAlias(null)
                .setEncryptionContext(new HashMap<>(Map.of("tenant", "chaos"))).setSseC(p.sseC())
                .setContentType("application/octet-stream").setUserMetadata(Map.of())
                .setExpectedSha256(new Sha256(HexFormat.of().parseHex(p.sha256())))
                .setFormat(format == null ? null : format.id()).build();
    }

    /** When each reference was handed to the producer (System.nanoTime). */
    Map<String, Long> sentAt() {
        return sentAt;
    }

    /** References whose send failed for good, with why. */
    Map<String, String> failed() {
        return failed;
    }

    int acked() {
        return acked.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
