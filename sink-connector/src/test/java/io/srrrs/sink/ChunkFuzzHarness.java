package io.srrrs.sink;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.Schemas;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One sink task against S3Proxy on loopback, fed the records of one fuzz input, and the
 * properties every put() must keep: it returns, or reports the record to the errant-record
 * reporter with a reason; it throws nothing but RetriableException, and a record redelivered
 * after one is settled within a few redeliveries (there is no store outage here); no reason holds
 * plaintext or key material.
 *
 * <p>An input is a list of steps, 4 bytes and an argument each: {@code op, object, chunk,
 * argLength, arg}. The objects are real ones made at start (one chunk, three chunks, SSE-C), so
 * a step that changes nothing sends a chunk the topology could have sent; see {@link Op}.
 */
final class ChunkFuzzHarness implements AutoCloseable {

    static final String TOPIC = "chunks";
    /** Redeliveries after which a record that keeps failing "retriably" is a finding. */
    static final int MAX_REDELIVERIES = 5;
    static final int MAX_STEPS = 48;
    static final byte[] CANARY = "SRRRS-SINK-FUZZ-CANARY".getBytes(StandardCharsets.US_ASCII);

    enum Op {
        /** The chunk as it is. */
        SEND,
        /** Every chunk of the object, in order. */
        SEND_ALL,
        /** A string field replaced: arg[0] picks the field, the rest is the value (UTF-8). */
        STRING,
        /** A bytes field changed: arg[0] the field, arg[1] how (replace, flip a bit, cut, append). */
        BYTES,
        /** A number replaced: arg[0] the field (sequence, objectLength, plaintextLength), then 8 bytes. */
        NUMBER,
        /** Flags toggled by the bits of arg[0]: last, aborted, sseC, no start, no content type, no length. */
        FLAGS,
        /** The last 1 + arg[0] % 8 records put again, at their offsets, as Connect does after a retry. */
        REDELIVER,
        /** A value that is not an EncryptedChunk Struct (null, bytes, text, other shapes). */
        OTHER_VALUE,
        /** The partition revoked and assigned again. */
        REBALANCE,
        /** preCommit: the offsets it allows are never past what was consumed. */
        PRECOMMIT,
        /** A gap in the offsets (transaction markers make them). */
        SKIP_OFFSETS,
        /** An empty put(), as Connect makes while idle. */
        EMPTY_PUT
    }

    private record Made(List<EncryptedChunk> chunks, byte[] sseCKey) {
    }

    private final LocalCa ca;
    private final EmbeddedS3 s3;
    private final DecoratedKms kms;
    private final TestSinkContext context;
    private final S3SinkTask task;
    private final List<Made> objects = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private int partition;

    ChunkFuzzHarness(Path dir) throws Exception {
        Schemas.trustGeneratedClasses(); // as every serde does: the steps copy generated Avro records
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        try (S3Client admin = StoreClients.s3(StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(),
                ca.truststore()))) {
            admin.createBucket(b -> b.bucket("objects"));
            admin.createBucket(b -> b.bucket("elsewhere"));
        }
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        kms = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
        SseCKeySealer.KeyPair sink = SseCKeySealer.generateKeyPair();
        secrets.add(sink.privateKeyBase64());
        objects.add(make("obj-a", "fuzz/a.bin", 2000, 1024, 1 << 20, null, sink));
        objects.add(make("obj-b", "fuzz/dir/b.bin", 5000, 1024, 2200, null, sink));
        objects.add(make("obj-c", "fuzz/c.bin", 3000, 1024, 2200, sink.publicKeyBase64(), sink));

        Map<String, String> props = new HashMap<>();
        props.put(S3SinkConfig.STORE_URL, s3.httpsEndpoint().toString());
        props.put(S3SinkConfig.BUCKETS, "objects");
        props.put(S3SinkConfig.ACCESS_KEY, s3.accessKey());
        props.put(S3SinkConfig.SECRET_KEY, s3.secretKey());
        props.put(S3SinkConfig.TRUSTSTORE, ca.truststore().toString());
        props.put(S3SinkConfig.TRUSTSTORE_PASSWORD, "changeit");
        props.put(S3SinkConfig.PART_SIZE, Integer.toString(5 * 1024 * 1024));
        props.put(S3SinkConfig.RETRIES, "1");
        props.put(S3SinkConfig.RETRY_BACKOFF, "10");
        props.put(S3SinkConfig.RETRY_BACKOFF_MAX, "50");
        props.put(S3SinkConfig.BUFFER_DIR, dir.resolve("spill").toString());
        props.put(S3SinkConfig.SSE_C_PRIVATE_KEY, sink.privateKeyBase64());
        props.put(S3SinkConfig.RECORD_MAX_ATTEMPTS, "2");
        context = new TestSinkContext(true);
        task = new S3SinkTask();
        task.initialize(context);
        task.start(props);
    }

    private Made make(String id, String key, int length, int segment, int maxChunk, String sseCPublicKey,
                      SseCKeySealer.KeyPair sink) throws Exception {
        byte[] plaintext = new byte[length];
        for (int i = 0; i < length; i++) {
            plaintext[i] = CANARY[i % CANARY.length];
        }
        List<EncryptedChunk> chunks = ChunkMaker.chunks(kms.kms(), id, "objects", key, plaintext, segment, maxChunk,
                sseCPublicKey);
        byte[] sseCKey = null;
        ObjectStart start = chunks.get(0).getStart();
        if (start.getSealedSseCKey() != null) {
            sseCKey = SseCKeySealer.open(sink.privateKeyBase64(), bytes(start.getSealedSseCKey()),
                    new ObjectIdentity("objects", key));
            secrets.add(Base64.getEncoder().encodeToString(sseCKey));
        }
        return new Made(chunks, sseCKey);
    }

    /** Runs one input on a partition of its own, so that inputs do not see each other's state. */
    void run(byte[] input) {
        TopicPartition tp = new TopicPartition(TOPIC, partition++);
        String inputText = new String(input, StandardCharsets.ISO_8859_1);
        task.open(List.of(tp));
        context.reported.clear();
        List<SinkRecord> sent = new ArrayList<>();
        long offset = 0;
        ByteBuffer in = ByteBuffer.wrap(input);
        for (int step = 0; step < MAX_STEPS && in.hasRemaining(); step++) {
            Op op = Op.values()[u8(in) % Op.values().length];
            Made object = objects.get(u8(in) % objects.size());
            int chunk = u8(in) % object.chunks.size();
            byte[] arg = new byte[Math.min(u8(in), in.remaining())];
            in.get(arg);
            switch (op) {
                case SEND, STRING, BYTES, NUMBER, FLAGS -> {
                    EncryptedChunk c = mutate(op, object.chunks.get(chunk), arg);
                    SinkRecord r = ChunkMaker.record(TOPIC, tp.partition(), offset++, c);
                    sent.add(r);
                    put(List.of(r));
                }
                case SEND_ALL -> {
                    for (EncryptedChunk c : object.chunks) {
                        SinkRecord r = ChunkMaker.record(TOPIC, tp.partition(), offset++, c);
                        sent.add(r);
                        put(List.of(r));
                    }
                }
                case REDELIVER -> {
                    int n = Math.min(sent.size(), 1 + (arg.length > 0 ? arg[0] & 7 : 0));
                    put(List.copyOf(sent.subList(sent.size() - n, sent.size())));
                }
                case OTHER_VALUE -> {
                    SinkRecord r = otherValue(tp.partition(), offset++, arg);
                    sent.add(r);
                    put(List.of(r));
                }
                case REBALANCE -> {
                    task.close(List.of(tp));
                    task.open(List.of(tp));
                }
                case PRECOMMIT -> {
                    Map<TopicPartition, OffsetAndMetadata> safe = task.preCommit(Map.of(tp, new OffsetAndMetadata(offset)));
                    OffsetAndMetadata o = safe.get(tp);
                    check(o == null || (o.offset() >= 0 && o.offset() <= offset),
                            "preCommit allows offset " + o + " of " + offset + " consumed");
                }
                case SKIP_OFFSETS -> offset += 1 + (arg.length > 0 ? arg[0] & 0xFF : 0);
                case EMPTY_PUT -> put(List.of());
            }
        }
        for (TestSinkContext.Reported r : context.reported) {
            checkReason(r.error(), inputText);
        }
        task.close(List.of(tp));
    }

    /**
     * put() as Connect calls it: after a RetriableException the same batch comes again. There is
     * no store outage here, so a batch must settle (applied or reported) within a few redeliveries,
     * even one the store answers 5xx for ever (docs/RELIABILITY.md, Fuzzing, finding 2).
     */
    private void put(List<SinkRecord> batch) {
        for (int attempt = 0; ; attempt++) {
            try {
                task.put(batch);
                task.awaitUploads(60_000); // the uploads' outcomes belong to this batch, as they did when put() uploaded
                return;
            } catch (RetriableException e) {
                check(attempt < MAX_REDELIVERIES, "a batch still fails after " + attempt + " redeliveries: " + e);
            }
            // Anything else leaves put(): the fuzzer reports it with its stack.
        }
    }

    private EncryptedChunk mutate(Op op, EncryptedChunk base, byte[] arg) {
        EncryptedChunk.Builder b = EncryptedChunk.newBuilder(base);
        ObjectStart.Builder s = base.getStart() == null ? null : ObjectStart.newBuilder(base.getStart());
        int field = arg.length > 0 ? arg[0] & 0xFF : 0;
        byte[] rest = arg.length > 1 ? Arrays.copyOfRange(arg, 1, arg.length) : new byte[0];
        switch (op) {
            case STRING -> {
                String v = new String(rest, StandardCharsets.UTF_8);
                switch (field % 8) {
                    case 0 -> b.setReferenceId(v);
                    case 1 -> b.setBucket(v);
                    case 2 -> b.setKey(v);
                    case 3 -> { if (s != null) s.setKms(v); }
                    case 4 -> { if (s != null) s.setKekId(v); }
                    case 5 -> { if (s != null) s.setContentType(v); }
                    case 6 -> { if (s != null) s.setEncryptionContext(with(s.getEncryptionContext(), v)); }
                    default -> { if (s != null) s.setUserMetadata(with(s.getUserMetadata(), v)); }
                }
            }
            case BYTES -> {
                int how = rest.length > 0 ? rest[0] & 3 : 0;
                byte[] data = rest.length > 1 ? Arrays.copyOfRange(rest, 1, rest.length) : new byte[0];
                switch (field % 4) {
                    case 0 -> b.setCiphertext(ByteBuffer.wrap(change(bytes(base.getCiphertext()), how, data)));
                    case 1 -> { if (s != null) s.setHeader(ByteBuffer.wrap(change(bytes(s.getHeader()), how, data))); }
                    case 2 -> { if (s != null) s.setWrappedDek(ByteBuffer.wrap(change(bytes(s.getWrappedDek()), how, data))); }
                    default -> {
                        if (s != null) {
                            byte[] sealed = s.getSealedSseCKey() == null ? new byte[0] : bytes(s.getSealedSseCKey());
                            s.setSealedSseCKey(ByteBuffer.wrap(change(sealed, how, data)));
                        }
                    }
                }
            }
            case NUMBER -> {
                long v = rest.length == 0 ? 0 : ByteBuffer.wrap(Arrays.copyOf(rest, 8)).getLong();
                switch (field % 3) {
                    case 0 -> b.setSequence(v);
                    case 1 -> b.setObjectLength(rest.length == 0 ? null : v);
                    default -> b.setPlaintextLength(rest.length == 0 ? null : v);
                }
            }
            case FLAGS -> {
                if ((field & 1) != 0) b.setLast(!base.getLast());
                if ((field & 2) != 0) b.setAborted(!base.getAborted());
                if ((field & 4) != 0 && s != null) s.setSseC(!s.getSseC());
                if ((field & 16) != 0 && s != null) s.setContentType(null);
                if ((field & 32) != 0) b.setObjectLength(null);
                if ((field & 8) != 0) {
                    s = null;
                    b.setStart(null);
                }
                if ((field & 64) != 0 && s == null) {
                    s = ObjectStart.newBuilder(objects.get(0).chunks.get(0).getStart()); // a start where none belongs
                }
            }
            default -> {
                // SEND: unchanged
            }
        }
        if (s != null) {
            b.setStart(s.build());
        }
        return b.build();
    }

    private static Map<String, String> with(Map<String, String> m, String entry) {
        Map<String, String> out = new LinkedHashMap<>(m);
        int eq = entry.indexOf('=');
        out.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        return out;
    }

    private static byte[] change(byte[] b, int how, byte[] data) {
        return switch (how) {
            case 0 -> data;
            case 1 -> {
                byte[] out = b.clone();
                if (out.length > 0) {
                    int at = data.length >= 2 ? ((data[0] & 0xFF) << 8 | (data[1] & 0xFF)) % out.length : 0;
                    out[at] ^= (byte) (1 << ((data.length > 2 ? data[2] : 0) & 7));
                }
                yield out;
            }
            case 2 -> Arrays.copyOf(b, data.length >= 2 ? ((data[0] & 0xFF) << 8 | (data[1] & 0xFF)) % (b.length + 1) : 0);
            default -> {
                byte[] out = Arrays.copyOf(b, b.length + data.length);
                System.arraycopy(data, 0, out, b.length, data.length);
                yield out;
            }
        };
    }

    /** Values a converter could hand the task from a topic that is not the topology's. */
    private static SinkRecord otherValue(int partition, long offset, byte[] arg) {
        int kind = arg.length > 0 ? arg[0] & 0xFF : 0;
        String text = new String(arg, StandardCharsets.UTF_8);
        return switch (kind % 6) {
            case 0 -> new SinkRecord(TOPIC, partition, Schema.STRING_SCHEMA, "k", null, null, offset);
            case 1 -> new SinkRecord(TOPIC, partition, Schema.STRING_SCHEMA, "k", Schema.BYTES_SCHEMA, arg, offset);
            case 2 -> new SinkRecord(TOPIC, partition, Schema.STRING_SCHEMA, "k", Schema.STRING_SCHEMA, text, offset);
            case 3 -> {
                Schema other = SchemaBuilder.struct().name("io.srrrs.schemas.PayloadReference")
                        .field("id", Schema.STRING_SCHEMA).build();
                yield new SinkRecord(TOPIC, partition, null, null, other, new Struct(other).put("id", text), offset);
            }
            case 4 -> {
                // The right name, another shape: an old or foreign writer of "EncryptedChunk".
                Schema shape = SchemaBuilder.struct().name("io.srrrs.schemas.EncryptedChunk")
                        .field("referenceId", Schema.STRING_SCHEMA).field("sequence", Schema.STRING_SCHEMA).build();
                yield new SinkRecord(TOPIC, partition, null, null, shape,
                        new Struct(shape).put("referenceId", text).put("sequence", "0"), offset);
            }
            default -> {
                // Every field optional and absent.
                SchemaBuilder sb = SchemaBuilder.struct().name("io.srrrs.schemas.EncryptedChunk");
                for (org.apache.kafka.connect.data.Field f : ChunkMaker.SCHEMA.fields()) {
                    sb.field(f.name(), optional(f.schema()));
                }
                Schema shape = sb.build();
                yield new SinkRecord(TOPIC, partition, null, null, shape, new Struct(shape), offset);
            }
        };
    }

    private static Schema optional(Schema s) {
        if (s.isOptional()) {
            return s;
        }
        return switch (s.type()) {
            case STRUCT -> {
                SchemaBuilder sb = SchemaBuilder.struct().name(s.name()).optional();
                s.fields().forEach(f -> sb.field(f.name(), optional(f.schema())));
                yield sb.build();
            }
            case MAP -> SchemaBuilder.map(s.keySchema(), s.valueSchema()).optional().build();
            case ARRAY -> SchemaBuilder.array(s.valueSchema()).optional().build();
            default -> new SchemaBuilder(s.type()).optional().build();
        };
    }

    /** A reported reason names what is wrong and holds no secret the sink has, and no plaintext. */
    private void checkReason(Throwable error, String inputText) {
        check(error != null, "a record was reported without an error");
        check(error.getMessage() != null && !error.getMessage().isBlank(), "a reported reason without a message: " + error);
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            for (String secret : secrets) {
                // Unless the input put it there (a field the reason rightly repeats).
                check(!m.contains(secret) || inputText.contains(secret), "a reported reason holds key material: " + m);
            }
            String canary = new String(CANARY, StandardCharsets.ISO_8859_1);
            check(!m.contains(canary) || inputText.contains(canary), "a reported reason holds plaintext: " + m);
        }
    }

    private static int u8(ByteBuffer in) {
        return in.hasRemaining() ? in.get() & 0xFF : 0;
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static void check(boolean property, String what) {
        if (!property) {
            throw new AssertionError(what);
        }
    }

    @Override
    public void close() throws Exception {
        task.stop();
        kms.close();
        s3.close();
    }
}
