package io.srrrs.topology;

import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.schemas.UriSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a reference that cannot be processed to the DLQ: a {@link RejectedReference} with the
 * input's coordinates and the reason, the same in {@code srrrs.dlq.*} headers. Never plaintext:
 * inline data is emptied (its length kept). Never too large for the DLQ topic either: a DLQ
 * record the broker refused would fail the transaction for ever, so an oversized reference is
 * left out (its coordinates find it in the input topic) and long ids are not repeated.
 */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Text the DLQ record may repeat of a reference; well under the 1 MiB default record limit. */
    static final int MAX_REFERENCE_CHARS = 64 * 1024;
    private static final int MAX_ID_SHOWN = 256;

    private final ProcessorContext<Object, Object> context;
    private final TopologyMetrics metrics;

    DeadLetters(ProcessorContext<Object, Object> context, TopologyMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    void send(Record<byte[], byte[]> record, RecordMetadata meta, PayloadReference ref, BadReferenceException e) {
        send(record, meta, ref, e, (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName());
    }

    /** @param errorClass the simple name of the exception behind the rejection */
    void send(Record<byte[], byte[]> record, RecordMetadata meta, PayloadReference ref, BadReferenceException e,
              String errorClass) {
        RejectReason reason = e.reason();
        String message = Sanitizer.text(e.getMessage());
        String id = ref == null || ref.getId() == null || ref.getId().length() > MAX_ID_SHOWN ? null : ref.getId();
        Long redacted = null;
        PayloadReference shown = ref;
        if (ref != null && ref.getSource() instanceof InlineSource inline) {
            redacted = (long) inline.getData().remaining();
            shown = PayloadReference.newBuilder(ref).setSource(new InlineSource(ByteBuffer.allocate(0))).build();
        }
        if (shown != null && chars(shown) > MAX_REFERENCE_CHARS) {
            shown = null;
            message = Sanitizer.text(message + " (reference too large to repeat; see the input offset)");
        }
        RejectedReference value = RejectedReference.newBuilder()
                .setReferenceId(id)
                .setInputTopic(meta.topic()).setInputPartition(meta.partition()).setInputOffset(meta.offset())
                .setInputTimestamp(record.timestamp())
                .setStage(reason.stage().name()).setReason(reason.name()).setErrorClass(errorClass)
                .setMessage(message).setReference(shown).setRedactedInlineBytes(redacted)
                .build();
        Headers headers = new RecordHeaders();
        header(headers, "srrrs.dlq.stage", reason.stage().name());
        header(headers, "srrrs.dlq.reason", reason.name());
        header(headers, "srrrs.dlq.error.class", errorClass);
        header(headers, "srrrs.dlq.message", message);
        header(headers, "srrrs.dlq.input.topic", meta.topic());
        header(headers, "srrrs.dlq.input.partition", Integer.toString(meta.partition()));
        header(headers, "srrrs.dlq.input.offset", Long.toString(meta.offset()));
        if (id != null) {
            header(headers, "srrrs.dlq.reference.id", id);
        }
        context.forward(new Record<Object, Object>(id, value, record.timestamp(), headers), EncryptionTopology.DLQ_SINK);
        metrics.rejected(reason);
        LOG.info("reference {} at {}/{}/{} to the DLQ: {} ({})", id == null ? "(undecodable or unnamed)" : Sanitizer.text(id),
                meta.topic(), meta.partition(), meta.offset(), reason, message);
    }

    /** Characters of the reference's text fields: what its Avro form costs, give or take. */
    private static long chars(PayloadReference ref) {
        long n = length(ref.getId()) + length(ref.getBucket()) + length(ref.getKey()) + length(ref.getContentType())
                + length(ref.getKekAlias()) + length(ref.getSource() instanceof UriSource u ? u.getUri() : "");
        for (Map<String, String> m : List.of(ref.getUserMetadata(), ref.getEncryptionContext())) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                n += length(e.getKey()) + length(e.getValue());
            }
        }
        return n;
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    private static void header(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
