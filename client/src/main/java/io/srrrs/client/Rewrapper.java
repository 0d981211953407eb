package io.srrrs.client;

import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.store.SseC;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Moves objects' DEKs to another KEK: {@link SrrrsClient}'s rewrapping half. The KMS rewraps the
 * DEK; {@link ConditionalCopy} replaces the object's metadata (then its SSE-C metadata
 * companion's) with server-side copies conditional on what the HEAD saw.
 */
final class Rewrapper {

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
        gate.check(id, info.metadata().wrappedDek().kek());
        KekId target = gate.target(targetKek);
        WrappedDek rewrapped = gate.kms().rewrap(info.metadata().wrappedDek(), info.metadata().context(), target);
        ObjectMetadata updated = info.metadata().withWrappedDek(rewrapped);
        Map<String, String> metadata = new HashMap<>(info.userMetadata());
        metadata.putAll(updated.toMap());
        SseC sse = null;
        if (info.sseC()) {
            try (ObjectDecryptor dec = gate.decryptor(info)) {
                sse = KekGate.sseC(dec);
            }
        }
        beforeCopy.run();
        copy.object(id, seen.etag(), info.objectLength(), metadata, info.contentType(), sse);
        if (info.sseC()) {
            copy.companion(id, seen.companion().eTag(), seen.companion().lastModified(),
                    seen.companion().metadata().get(ObjectMetadata.HEADER), updated.toMap());
        }
        return new ObjectInfo(id, info.objectLength(), info.plaintextLength(), updated, info.contentType(),
                info.userMetadata());
    }

    /** Test hook: runs between the rewrap's HEAD and its copy (to make a new version land there). */
    void beforeCopy(Runnable hook) {
        beforeCopy = Objects.requireNonNull(hook, "hook");
    }
}
