package io.srrrs.client;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.store.SseC;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Moves objects' DEKs to another KEK: {@link SrrrsClient}'s rewrapping half. The KMS rewraps the
 * DEK (an S3EC object's the S3EC way, so S3EC still reads it); {@link ConditionalCopy} replaces
 * the object's metadata (then its SSE-C metadata companion's) with server-side copies conditional
 * on what the HEAD saw. An S3EC object keeps every stored key but its wrapped DEK
 * ({@code x-amz-3} or {@code x-amz-key-v2}), {@code srrrs-kms} and {@code srrrs-kek-id}: S3EC's
 * context and material description stay byte for byte as S3EC wrote them.
 */
final class Rewrapper {

    /** S3EC's wrapped-DEK keys (V3, V2) and the nonce keys fresh per object (message id, IV). */
    private static final String DATA_KEY_V3 = "x-amz-3";
    private static final String DATA_KEY_V2 = "x-amz-key-v2";
    private static final String MESSAGE_ID_V3 = "x-amz-i";
    private static final String IV_V2 = "x-amz-iv";

    private final ObjectHeads heads;
    private final KekGate gate;
    private final ConditionalCopy copy;
    private volatile Runnable beforeCopy = () -> { };

    Rewrapper(ObjectHeads heads, KekGate gate, ConditionalCopy copy) {
        this.heads = heads;
        this.gate = gate;
        this.copy = copy;
    }

    /** See {@link SrrrsClient#rewrap}. */
    ObjectInfo rewrap(String bucket, String key, String targetKek) throws IOException, KmsException {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        ObjectHead seen = heads.describe(id);
        ObjectInfo info = seen.info();
        WrappedDek wrapped = info.metadata().wrappedDek();
        boolean s3ec = info.metadata().content() instanceof S3ecContent;
        if (s3ec && !wrapped.kms().equals(gate.kms().type())) {
            throw CiphertextException.of(CiphertextException.Failure.UNKNOWN_KMS, "the DEK of s3://" + id
                    + " was wrapped by KMS type '" + wrapped.kms() + "'; this client uses '" + gate.kms().type() + "'");
        }
        gate.check(id, wrapped.kek());
        KekId target = gate.target(targetKek);
        DekWrapping wrapping = DekWrapping.of(info.metadata().content().outputFormat());
        WrappedDek rewrapped = gate.kms().rewrap(wrapped, info.metadata().context(), wrapping, target);
        ObjectMetadata updated = info.metadata().withWrappedDek(rewrapped);
        Map<String, String> metadata = s3ec ? replaced(seen.stored(), updated) : v1Metadata(info, updated);
        SseC sse = info.sseC() ? gate.sseC(info) : null;
        beforeCopy.run();
        copy.object(id, seen.etag(), info.objectLength(), metadata, info.contentType(), sse);
        if (info.sseC()) {
            String fingerprintKey = fingerprintKey(updated);
            Map<String, String> companion = s3ec ? replaced(seen.companion().metadata(), updated) : updated.toMap();
            copy.companion(id, seen.companion().eTag(), seen.companion().lastModified(), fingerprintKey,
                    seen.companion().metadata().get(fingerprintKey), companion);
        }
        return new ObjectInfo(id, info.objectLength(), info.plaintextLength(), updated, info.contentType(),
                info.userMetadata());
    }

    /** A format v1 object's new metadata: the producer's labels and ours, rewritten whole. */
    private static Map<String, String> v1Metadata(ObjectInfo info, ObjectMetadata updated) {
        Map<String, String> metadata = new HashMap<>(info.userMetadata());
        metadata.putAll(updated.toMap());
        return metadata;
    }

    /**
     * An S3EC object's stored metadata with only its wrapped DEK, {@code srrrs-kms} and
     * {@code srrrs-kek-id} replaced by {@code updated}'s (the last two also added to an object an
     * S3EC application wrote, which then names its KEK).
     */
    static Map<String, String> replaced(Map<String, String> stored, ObjectMetadata updated) {
        Map<String, String> fresh = updated.toMap();
        String dataKey = ((S3ecContent) updated.content()).version() == S3ecContent.Version.V3 ? DATA_KEY_V3 : DATA_KEY_V2;
        Map<String, String> metadata = new HashMap<>();
        List<String> replacedKeys = List.of(dataKey, ObjectMetadata.KMS, ObjectMetadata.KEK_ID);
        stored.forEach((k, v) -> {
            if (!replacedKeys.contains(k.toLowerCase(Locale.ROOT))) {
                metadata.put(k, v);
            }
        });
        replacedKeys.forEach(k -> metadata.put(k, fresh.get(k)));
        return metadata;
    }

    /** The companion key whose value is fresh per object, telling a new version's companion from this one's. */
    private static String fingerprintKey(ObjectMetadata metadata) {
        if (metadata.content() instanceof FormatHeader) {
            return ObjectMetadata.HEADER;
        }
        return ((S3ecContent) metadata.content()).version() == S3ecContent.Version.V3 ? MESSAGE_ID_V3 : IV_V2;
    }

    /** Test hook: runs between the rewrap's HEAD and its copy (to make a new version land there). */
    void beforeCopy(Runnable hook) {
        beforeCopy = Objects.requireNonNull(hook, "hook");
    }
}
