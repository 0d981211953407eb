package io.srrrs.topology;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the binary seeds of {@link RecordFuzzTest#anyBytes}: every text seed of
 * {@code anyReference} that needs no run-specific path or port, in the Confluent wire format with
 * the ids {@link RecordFuzzHarness#registry()} gives, and records that are not references at all.
 * The text seeds of {@code anyReference} are written by hand. Run from the topology module with
 * the test class path: {@code java -cp ... io.srrrs.topology.RecordFuzzSeeds}.
 */
final class RecordFuzzSeeds {

    static final Path INPUTS = Path.of("src/test/resources/io/srrrs/topology/RecordFuzzTestInputs");
    /** bin/fuzz's -max_len for this target: a mutation of a larger seed could not be tried anyway. */
    static final int MAX_SEED_BYTES = 65536;

    public static void main(String[] args) throws IOException {
        InMemorySchemaRegistryClient registry = RecordFuzzHarness.registry();
        AvroSerializer<PayloadReference> references = new AvroSerializer<>(registry, false);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        List<Path> texts;
        try (Stream<Path> files = Files.list(INPUTS.resolve("anyReference"))) {
            texts = files.sorted().toList();
        }
        for (Path text : texts) {
            byte[] bytes = Files.readAllBytes(text);
            if (new String(bytes, StandardCharsets.ISO_8859_1).contains("${")) {
                continue;
            }
            PayloadReference ref = ReferenceText.parse(bytes, Map.of()).reference();
            byte[] value = references.serialize(RecordFuzzHarness.INPUT, ref);
            if (value.length <= MAX_SEED_BYTES) { // the large payloads are the text target's business
                seeds.put(text.getFileName().toString(), value);
            }
        }
        byte[] valid = references.serialize(RecordFuzzHarness.INPUT,
                ReferenceText.parse("id=r\nbucket=bucket\nkey=k\nsource.canary=100\n".getBytes(StandardCharsets.US_ASCII),
                        Map.of()).reference());
        seeds.put("bad-truncated", Arrays.copyOf(valid, valid.length - 30));
        seeds.put("bad-trailing-bytes", Arrays.copyOf(valid, valid.length + 3));
        seeds.put("bad-unknown-schema-id", withSchemaId(valid, 999));
        seeds.put("bad-wire-magic", with(valid, 0, 1));
        seeds.put("bad-wire-header-only", Arrays.copyOf(valid, 5));
        seeds.put("bad-one-byte", new byte[] {0});
        seeds.put("bad-json", "{\"id\": \"r\", \"bucket\": \"bucket\"}".getBytes(StandardCharsets.UTF_8));
        // Records of our other schemas: the writer's schema resolves against PayloadReference and fails.
        EncryptedChunk chunk = EncryptedChunk.newBuilder().setReferenceId("r").setBucket("bucket").setKey("k")
                .setSequence(0).setLast(true).setAborted(false).setStart(null)
                .setCiphertext(ByteBuffer.wrap(ReferenceText.canary(64))).build();
        seeds.put("bad-a-chunk", new AvroSerializer<EncryptedChunk>(registry, false).serialize("ciphertext-chunks", chunk));
        RejectedReference rejected = RejectedReference.newBuilder().setReferenceId("r").setInputTopic(RecordFuzzHarness.INPUT)
                .setInputPartition(0).setInputOffset(1).setInputTimestamp(0L).setStage("VALIDATE")
                .setReason("INVALID_BUCKET").setErrorClass("BadReferenceException").setMessage("m").build();
        seeds.put("bad-a-rejection", new AvroSerializer<RejectedReference>(registry, false)
                .serialize("payload-refs.dlq", rejected));
        Path dir = Files.createDirectories(INPUTS.resolve("anyBytes"));
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        // An empty file is the record without a value.
        Files.write(dir.resolve("bad-no-value"), new byte[0]);
        System.out.println("wrote " + (seeds.size() + 1) + " seeds to " + dir);
    }

    private static byte[] with(byte[] b, int at, int value) {
        byte[] out = b.clone();
        out[at] = (byte) value;
        return out;
    }

    private static byte[] withSchemaId(byte[] b, int id) {
        byte[] out = b.clone();
        ByteBuffer.wrap(out).putInt(1, id);
        return out;
    }
}
