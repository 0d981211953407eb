package io.srrrs.topology;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.Digests;
import io.srrrs.crypto.MetadataTooLargeException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.MalformedRecordException;
import io.srrrs.serdes.UnknownSchemaException;
import io.srrrs.serdes.chunk.ObjectStartFields;
import io.srrrs.topology.source.OpenedPayload;
import io.srrrs.topology.source.SourceDeadlineExceededException;
import io.srrrs.topology.source.SourceTooLargeException;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the pipeline: one PayloadReference in, its object's EncryptedChunks out, all in
 * the same Kafka transaction as the input offset (exactly_once_v2), or the reference to the DLQ.
 *
 * <p>Three outcomes per reference:
 * <ul>
 *   <li>encrypted: chunks 0..n forwarded to the chunk topic, the id remembered against duplicates;
 *   <li>bad input ({@link BadReferenceException}): a {@link RejectedReference} to the DLQ, and, when
 *       chunks were already forwarded, an abandon marker so the sink discards them; processing
 *       goes on with the next reference;
 *   <li>transient failure (KMS or registry outage, source 5xx): the exception leaves
 *       {@code process()}, the transaction aborts (no partial output is ever visible) and the
 *       record is retried; after {@code srrrs.transient.max.attempts} it goes to the DLQ as
 *       PROCESSING_FAILED, so nothing loops for ever.
 * </ul>
 */
final class EncryptionProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptionProcessor.class);

    private final EncryptionTopology.Dependencies deps;
    private final RecordAttempts attempts;
    private ProcessorContext<Object, Object> context;
    private DeadLetters deadLetters;
    /** The current reference's chunks: none forwarded in this attempt means it can be retried in place. */
    private ChunkOutput chunks;
    private KeyValueStore<String, Long> seenIds;
    private TopologyMetrics metrics;

    EncryptionProcessor(EncryptionTopology.Dependencies deps) {
        this.deps = deps;
        this.attempts = deps.attempts();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.seenIds = context.getStateStore(EncryptionTopology.SEEN_IDS_STORE);
        this.metrics = new TopologyMetrics(context.metrics(), Thread.currentThread().getName(),
                deps.kmsCalls(), deps.dekCacheHits());
        this.deadLetters = new DeadLetters(context, metrics);
        this.chunks = new ChunkOutput(context, metrics);
        context.schedule(Duration.ofMinutes(10), PunctuationType.WALL_CLOCK_TIME, this::forgetOldIds);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        String attemptKey = meta.topic() + "/" + meta.partition() + "/" + meta.offset();
        RecordAttempts.Failure earlier = attempts.of(attemptKey);
        if (attempts.exhausted(earlier)) {
            // Its last attempt failed after forwarding chunks, so that transaction was aborted: give up now.
            giveUp(record, meta, attemptKey, earlier);
            return;
        }
        long started = System.nanoTime();
        while (true) {
            chunks.reset();
            try {
                handle(record, meta);
                attempts.settled(attemptKey);
                return;
            } catch (TaskMigratedException | TaskCorruptedException e) {
                throw e; // Kafka Streams' own business: the task is no longer ours or must restore
            } catch (TransientFailureException | RuntimeException e) {
                RecordAttempts.Failure failure = attempts.failed(attemptKey, e);
                boolean retryHere = chunks.sent() == 0; // nothing of this record is in the transaction yet
                if (attempts.exhausted(failure) && retryHere) {
                    giveUp(record, meta, attemptKey, failure);
                    return;
                }
                LOG.warn("reference at {} failed (attempt {} of {}), will be retried{}: {}: {}", attemptKey,
                        failure.attempts(), attempts.maxAttempts(), retryHere ? "" : " after aborting its transaction",
                        failure.errorClass(), failure.message());
                sleepQuietly(attempts.backoffMillis(failure.attempts()));
                if (!retryHere) {
                    // Chunks were forwarded: only aborting the transaction takes them back.
                    throw new StreamsException("reference at " + attemptKey + " failed after some of its chunks were "
                            + "produced; its transaction is aborted and it is retried", e);
                }
                if (!attempts.fitsInPlace((System.nanoTime() - started) / 1_000_000)) {
                    // Earlier references' chunks may share this transaction: another whole attempt here
                    // could outlive it and get the producer fenced, which counts no attempt.
                    throw new StreamsException("reference at " + attemptKey + " is retried after its transaction is "
                            + "committed or aborted: retrying it here any longer could outlive the transaction", e);
                }
            }
        }
    }

    private void giveUp(Record<byte[], byte[]> record, RecordMetadata meta, String attemptKey,
                        RecordAttempts.Failure failure) {
        attempts.settled(attemptKey);
        deadLetters.send(record, meta, decodedOrNull(record, meta), new BadReferenceException(
                RejectReason.PROCESSING_FAILED, "gave up after " + failure.attempts() + " attempts: "
                + failure.errorClass() + ": " + failure.message()), failure.errorClass());
        // Commit soon: a long outage must not pile several given-up records into one transaction
        // that could outlive transaction.timeout.ms and be aborted, starting their attempts again.
        context.commit();
    }

    /** The reference, for the DLQ record's sake, if it decodes; else null. */
    private PayloadReference decodedOrNull(Record<byte[], byte[]> record, RecordMetadata meta) {
        try {
            return deps.deserializer().deserialize(meta.topic(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void handle(Record<byte[], byte[]> record, RecordMetadata meta) throws TransientFailureException {
        PayloadReference ref;
        try {
            ref = deps.deserializer().deserialize(meta.topic(), record.value());
        } catch (MalformedRecordException e) {
            deadLetters.send(record, meta, null, new BadReferenceException(RejectReason.MALFORMED_RECORD, e.getMessage()));
            return;
        } catch (UnknownSchemaException e) {
            deadLetters.send(record, meta, null, new BadReferenceException(RejectReason.UNKNOWN_SCHEMA, e.getMessage()));
            return;
        } catch (SerializationException e) {
            throw new TransientFailureException("schema registry: " + e.getMessage(), e);
        }
        if (ref == null) {
            deadLetters.send(record, meta, null, new BadReferenceException(RejectReason.EMPTY_RECORD, "the record has no value"));
            return;
        }
        try {
            ReferenceValidator.Valid valid = deps.validator().validate(ref);
            PolicyRule rule = deps.referencePolicy().check(valid, meta.topic());
            if (deps.sseCSinkPublicKey() == null && ref.getSseC()) {
                throw new BadReferenceException(RejectReason.SSE_C_NOT_AVAILABLE,
                        "the reference asks for SSE-C, which this topology is not configured for");
            }
            if (seenIds.get(ref.getId()) != null) {
                throw new BadReferenceException(RejectReason.DUPLICATE_ID, "reference id '" + Sanitizer.text(ref.getId())
                        + "' was already processed");
            }
            KekId kek = resolveKek(valid, meta.topic(), rule);
            encrypt(valid, kek, record);
            seenIds.put(ref.getId(), context.currentSystemTimeMs());
        } catch (BadReferenceException e) {
            deadLetters.send(record, meta, ref, e);
        } finally {
            metrics.kms();
        }
    }

    /** The KEK the reference is encrypted under, once it is known to be allowed (before any DEK is asked for). */
    private KekId resolveKek(ReferenceValidator.Valid valid, String topic, PolicyRule rule)
            throws BadReferenceException, TransientFailureException {
        String alias = deps.kekPolicy().aliasFor(valid.reference(), valid.context(), topic);
        KekId kek = KmsCalls.call(() -> deps.kms().resolve(alias), alias);
        KmsCalls.call(() -> { // resolving an alias entry of the allow-list may fail too
            deps.kekPolicy().check(kek, deps.kms(), rule, rule == null ? null : deps.referencePolicy().describe(rule));
            return kek;
        }, kek.value());
        return kek;
    }

    private void encrypt(ReferenceValidator.Valid valid, KekId kek, Record<byte[], byte[]> record)
            throws BadReferenceException, TransientFailureException {
        long started = System.nanoTime();
        DataKeyPair dek = KmsCalls.call(() -> deps.kms().generateDataKey(kek, valid.context()), kek.value());
        chunks.begin(valid.reference(), record.timestamp());
        try (DataKeyPair closing = dek; OpenedPayload payload = deps.sources().open(valid)) {
            seal(valid, closing, payload, started);
        } catch (BadReferenceException e) {
            chunks.abandon();
            throw e;
        } catch (SourceTooLargeException e) {
            chunks.abandon();
            throw new BadReferenceException(RejectReason.SOURCE_TOO_LARGE, e.getMessage());
        } catch (SourceDeadlineExceededException e) {
            chunks.abandon();
            throw new BadReferenceException(RejectReason.SOURCE_FAILED, e.getMessage());
        } catch (IOException e) {
            // A network failure mid-payload: the whole transaction aborts, nothing partial is seen.
            throw new TransientFailureException("reading the payload failed: " + e.getMessage(), e);
        }
    }

    /** Seals the payload and forwards its chunks; its SHA-256, if the reference names one, is checked before the last. */
    private void seal(ReferenceValidator.Valid valid, DataKeyPair dek, OpenedPayload payload, long started)
            throws BadReferenceException, IOException {
        PayloadReference ref = valid.reference();
        MessageDigest sha256 = ref.getExpectedSha256() == null ? null : Digests.sha256();
        InputStream plaintext = sha256 == null ? payload.stream() : new DigestInputStream(payload.stream(), sha256);
        try (ObjectCipher.Sealing sealing = deps.cipher().seal(dek, valid.identity(), valid.context(), plaintext,
                payload.declaredLength(), deps.segmentSize(), deps.chunkMaxBytes())) {
            dek.close(); // the object's keys are derived; the DEK copy is not needed any more
            ObjectStart start = objectStart(valid, sealing, dek);
            for (CiphertextChunk chunk = sealing.next(); chunk != null; chunk = sealing.next()) {
                if (chunk.last() && sha256 != null
                        && !MessageDigest.isEqual(sha256.digest(), ref.getExpectedSha256().bytes())) {
                    throw new BadReferenceException(RejectReason.HASH_MISMATCH,
                            "the payload's SHA-256 is not the expectedSha256 of the reference");
                }
                chunks.forward(chunk, start, sealing.plaintextLength());
            }
            metrics.processed(sealing.plaintextLength(), chunks.ciphertextBytes(), chunks.sent(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Chunk 0's object start: the object's metadata, checked to fit S3 with the reference's own. */
    private ObjectStart objectStart(ReferenceValidator.Valid valid, ObjectCipher.Sealing sealing, DataKeyPair dek)
            throws BadReferenceException {
        PayloadReference ref = valid.reference();
        ObjectMetadata metadata;
        try {
            metadata = new ObjectMetadata(sealing.header(), dek.wrapped(), valid.context(), ref.getSseC());
            metadata.requireFitsWith(ref.getUserMetadata());
        } catch (MetadataTooLargeException e) {
            throw new BadReferenceException(RejectReason.METADATA_TOO_LARGE, e.getMessage());
        }
        byte[] sealedSseCKey = ref.getSseC() ? sealedSseCKey(sealing, valid) : null;
        return new ObjectStartFields(metadata, ref.getContentType(), ref.getUserMetadata(), sealedSseCKey).toAvro();
    }

    /** The object's SSE-C key sealed to the sink's public key; the key itself is zeroed. */
    private byte[] sealedSseCKey(ObjectCipher.Sealing sealing, ReferenceValidator.Valid valid) {
        byte[] key = sealing.sseCKey();
        try {
            return SseCKeySealer.seal(deps.sseCSinkPublicKey(), key, valid.identity());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private void forgetOldIds(long now) {
        long cutoff = now - deps.dedupRetentionMillis();
        try (KeyValueIterator<String, Long> it = seenIds.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> entry = it.next();
                if (entry.value < cutoff) {
                    seenIds.delete(entry.key);
                }
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
