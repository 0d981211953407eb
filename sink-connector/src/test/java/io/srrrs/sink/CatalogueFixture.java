package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.client.SrrrsClient;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.sink.ChunkRefusedException.Reason;

import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What the sink's bad-input catalogue tests share: the partition's next offset, the one refusal
 * reported and its reason, "nothing of it uploaded" and "the task goes on".
 */
abstract class CatalogueFixture extends SinkTaskFixture {

    static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    /** Large enough for a multipart upload (part size 5 MiB) of many chunks. */
    static final int MULTIPART = 9 * 1024 * 1024;

    /** The next offset of the partition: every test feeds it in order, as Connect would. */
    long next;
    int goodCount;

    @BeforeEach
    void fromTheStart() {
        next = 0;
    }

    // ---- helpers --------------------------------------------------------------------------------

    List<EncryptedChunk> chunks(String id, String key, int length) throws Exception {
        return ChunkMaker.chunks(kms.kms(), id, "objects", key, payload(length), SEGMENT, CHUNK, null);
    }

    /** Records at the partition's next offsets. */
    List<SinkRecord> at(List<EncryptedChunk> chunks) {
        List<SinkRecord> r = records(next, chunks);
        next += chunks.size();
        return r;
    }

    /** A record of any value at the partition's next offset. */
    SinkRecord valueAt(Schema schema, Object value) {
        return new SinkRecord(TOPIC, 0, Schema.STRING_SCHEMA, "objects/x", schema, value, next++);
    }

    void put(List<SinkRecord> records) {
        settled(records);
    }

    /** The one refusal reported since {@code before}, by its reason. */
    Reason onlyReasonSince(int before) {
        assertThat(context.reported).as("refusals reported").hasSize(before + 1);
        return reason(context.reported.get(before));
    }

    static Reason reason(TestSinkContext.Reported r) {
        assertThat(r.error()).isInstanceOf(ChunkRefusedException.class);
        return ((ChunkRefusedException) r.error()).reason();
    }

    static List<String> keys(String bucket) {
        return admin.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted()
                .toList();
    }

    /** Nothing of the refused object in the store: no new key (object or companion), no open upload. */
    static void nothingUploaded(List<String> keysBefore, String key) {
        if (key != null) {
            assertThat(exists("objects", key)).as("s3://objects/%s", key).isFalse();
        }
        assertThat(keys("objects")).as("keys of the bucket").isEqualTo(keysBefore);
        assertThat(openUploads("objects")).as("open multipart uploads").isZero();
        assertThat(openUploads("elsewhere")).as("open multipart uploads in elsewhere").isZero();
    }

    /** The task goes on: the next good object, after the bad one in the same partition, is written. */
    void goesOn() throws Exception {
        int reported = context.reported.size();
        byte[] plaintext = payload(1500);
        String key = "catalogue/good-" + goodCount++ + ".bin";
        put(at(ChunkMaker.chunks(kms.kms(), "good-" + goodCount + "-" + next, "objects", key, plaintext, SEGMENT, CHUNK,
                null)));
        assertThat(context.reported).as("nothing reported for the good object").hasSize(reported);
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", key)).isEqualTo(plaintext);
        }
        assertThat(preCommit(next)).as("commits are not held back by the refused object")
                .containsEntry(TP, new OffsetAndMetadata(next));
    }

    /** Chunk 0 of a one-chunk object, its start changed. */
    List<EncryptedChunk> withStart(String id, String key, Consumer<ObjectStart> change) throws Exception {
        List<EncryptedChunk> c = chunks(id, key, 1000);
        assertThat(c).hasSize(1);
        change.accept(c.get(0).getStart());
        return c;
    }

    /** The record with {@code field} left out of its schema: an EncryptedChunk of another shape. */
    static SinkRecord without(SinkRecord r, String field) {
        Struct value = (Struct) r.value();
        SchemaBuilder sb = SchemaBuilder.struct().name(value.schema().name());
        for (Field f : value.schema().fields()) {
            if (!f.name().equals(field)) {
                sb.field(f.name(), f.schema());
            }
        }
        Schema schema = sb.build();
        Struct out = new Struct(schema);
        for (Field f : schema.fields()) {
            out.put(f.name(), value.get(f.name()));
        }
        return r.newRecord(r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), schema, out, r.timestamp());
    }

    /**
     * Puts a multipart object's chunks in {@code order}: the first {@code firstBatch} of them, then
     * (with its upload open or not, as said) the rest.
     */
    void putMultipart(List<EncryptedChunk> order, int firstBatch, boolean uploadOpenAfterIt) {
        int reported = context.reported.size();
        List<SinkRecord> records = at(order);
        put(records.subList(0, firstBatch));
        assertThat(openUploads("objects")).as("its multipart upload has begun").isEqualTo(uploadOpenAfterIt ? 1 : 0);
        assertThat(context.reported).as("nothing reported before the bad chunk").hasSize(reported);
        put(records.subList(firstBatch, records.size()));
    }
}
