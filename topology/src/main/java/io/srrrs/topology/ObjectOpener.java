package io.srrrs.topology;

import io.srrrs.crypto.Digests;
import io.srrrs.crypto.MetadataTooLargeException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.serdes.chunk.ObjectStartFields;
import io.srrrs.topology.source.OpenedPayload;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Everything before an object's first chunk: the checks on the reference, its format and KEK, a
 * fresh DEK wrapped as the format wants, the opened source and the sealing (fresh salt, or a fresh
 * S3EC message id or IV). The same for a reference just read and for an object started again
 * under its next attempt.
 */
final class ObjectOpener {

    /** A reference that passed the checks, the policy rule that let it through (or null), its output format. */
    record Checked(ReferenceValidator.Valid valid, PolicyRule rule, OutputFormat format) {
    }

    private final EncryptionTopology.Dependencies deps;

    ObjectOpener(EncryptionTopology.Dependencies deps) {
        this.deps = deps;
    }

    /** The checks that need neither the KMS nor the source, for a reference just read. */
    Checked check(PayloadReference ref, String topic) throws BadReferenceException {
        return check(ref, topic, ref.getFormat());
    }

    /**
     * The same for an attempt of an object in {@code format} (a stored attempt's; null: the
     * default): checked again, as the allowed formats may have changed since.
     */
    Checked check(PayloadReference ref, String topic, String format) throws BadReferenceException {
        ReferenceValidator.Valid valid = deps.validator().validate(ref);
        PolicyRule rule = deps.referencePolicy().check(valid, topic);
        if (deps.sseCSinkPublicKey() == null && ref.getSseC()) {
            throw new BadReferenceException(RejectReason.SSE_C_NOT_AVAILABLE,
                    "the reference asks for SSE-C, which this topology is not configured for");
        }
        return new Checked(valid, rule, deps.formats().resolve(format, valid.context(), deps.kms().type()));
    }

    /** The KEK the reference is encrypted under, once it is known to be allowed (before any DEK is asked for). */
    KekId resolveKek(Checked checked, String topic) throws BadReferenceException, TransientFailureException {
        PolicyRule rule = checked.rule();
        String alias = deps.kekPolicy().aliasFor(checked.valid().reference(), checked.valid().context(), topic);
        KekId kek = KmsCalls.call(() -> deps.kms().resolve(alias), alias);
        KmsCalls.call(() -> { // resolving an alias entry of the allow-list may fail too
            deps.kekPolicy().check(kek, deps.kms(), rule, rule == null ? null : deps.referencePolicy().describe(rule));
            return kek;
        }, kek.value());
        return kek;
    }

    /** Opens the attempt {@code stored} names: a fresh DEK, the source, the sealing; {@code chunks} starts again. */
    ObjectInProgress.Opened open(ReferenceValidator.Valid valid, KekId kek, InProgressRecord stored, ChunkOutput chunks)
            throws BadReferenceException, TransientFailureException {
        long started = System.nanoTime();
        OutputFormat format = OutputFormat.parse(stored.format());
        DataKeyPair dek = KmsCalls.call(() -> deps.kms().generateDataKey(kek, valid.context(), DekWrapping.of(format)),
                kek.value());
        chunks.begin(stored, valid.reference().getId());
        OpenedPayload payload = null;
        ObjectCipher.Sealing sealing = null;
        try (DataKeyPair closing = dek) {
            payload = deps.sources().open(valid);
            PayloadReference ref = valid.reference();
            MessageDigest sha256 = ref.getExpectedSha256() == null ? null : Digests.sha256();
            InputStream plaintext = sha256 == null ? payload.stream() : new DigestInputStream(payload.stream(), sha256);
            sealing = deps.cipher().seal(format, closing, valid.identity(), valid.context(), plaintext,
                    payload.declaredLength(), deps.segmentSize(), deps.chunkMaxBytes());
            closing.close(); // the object's keys are derived; the DEK copy is not needed any more
            ObjectStart start = objectStart(valid, sealing, closing);
            return new ObjectInProgress.Opened(valid, sealing, payload, sha256, start, chunks, started);
        } catch (BadReferenceException | RuntimeException e) {
            closeQuietly(sealing, payload);
            throw e;
        } catch (IOException e) {
            closeQuietly(sealing, payload);
            BadReferenceException bad = ObjectInProgress.badInputOrNull(e);
            if (bad != null) {
                throw bad;
            }
            throw new TransientFailureException("opening the payload failed: " + e.getMessage(), e);
        }
    }

    /** Chunk 0's object start: the object's metadata, checked to fit S3 with the reference's own. */
    private ObjectStart objectStart(ReferenceValidator.Valid valid, ObjectCipher.Sealing sealing, DataKeyPair dek)
            throws BadReferenceException {
        PayloadReference ref = valid.reference();
        ObjectMetadata metadata;
        try {
            metadata = new ObjectMetadata(sealing.content(), dek.wrapped(), valid.context(), ref.getSseC());
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

    private static void closeQuietly(ObjectCipher.Sealing sealing, OpenedPayload payload) {
        try (OpenedPayload p = payload; ObjectCipher.Sealing s = sealing) {
            // closed by the try
        } catch (IOException | RuntimeException ignored) {
            // the attempt failed already; that is what is reported
        }
    }
}
