package io.srrrs.sink;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.MetadataTooLargeException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.serdes.chunk.ObjectStartFields;
import io.srrrs.store.SseC;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Checks an object's chunk 0 (start fields, bucket allow-list, key, format v1 header or S3EC
 * content, metadata names and size, SSE-C key) and opens its {@link ObjectAssembly}; anything wrong is a {@link ChunkRefusedException}
 * before a byte is uploaded.
 */
final class ObjectStarter {

    /** The companion prefix as a path segment: keys under it are the sink's own writes only. */
    private static final String COMPANION_SEGMENT = ObjectMetadata.SSE_C_COMPANION_PREFIX.substring(0,
            ObjectMetadata.SSE_C_COMPANION_PREFIX.length() - 1);

    private final S3SinkConfig config;
    private final BucketAllowList buckets;
    private final MemoryBudget budget;

    /** @param buckets the buckets this connector may write */
    ObjectStarter(S3SinkConfig config, BucketAllowList buckets, MemoryBudget budget) {
        this.config = config;
        this.buckets = buckets;
        this.budget = budget;
    }

    ObjectAssembly start(ChunkRecord chunk, SinkRecord record, long now) throws ChunkRefusedException {
        String id = chunk.referenceId();
        if (chunk.start() == null) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.NO_START, "chunk 0 of reference " + id
                    + " has no object start");
        }
        requireAllowedDestination(chunk);
        ObjectIdentity identity;
        ObjectStartFields start;
        try {
            identity = new ObjectIdentity(chunk.bucket(), chunk.key());
            start = ObjectStartFields.fromAvro(chunk.start());
        } catch (CiphertextException e) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.UNKNOWN_FORMAT, "object of reference " + id
                    + " is not in a format this sink knows: " + e.getMessage(), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.INVALID_METADATA, "object of reference " + id
                    + " has invalid metadata: " + ChunkRefusedException.printable(e.getMessage()), e);
        }
        requireHeaderFirst(start.metadata().content(), chunk.ciphertext(), id);
        requireNoReservedName(start.userMetadata(), id);
        try {
            start.metadata().requireFitsWith(start.userMetadata());
        } catch (MetadataTooLargeException e) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.METADATA_TOO_LARGE, "metadata of " + identity
                    + " exceeds S3's 2 KB: " + e.getMessage(), e);
        }
        byte[] sealed = start.metadata().sseC() ? sealedSseCKey(start, identity) : null;
        String contentType = start.contentType() == null || start.contentType().isBlank() ? "application/octet-stream"
                : start.contentType();
        return new ObjectAssembly(id, identity, record, now, start.metadata(), start.userMetadata(), contentType, sealed,
                newPart(), chunk.attempt());
    }

    /**
     * A format v1 body starts with the header its start names. An S3EC body is the GCM message
     * alone: its content parameters travel as metadata only, so there is nothing to compare.
     */
    private static void requireHeaderFirst(ContentFormat content, byte[] ciphertext, String id)
            throws ChunkRefusedException {
        if (!(content instanceof FormatHeader v1)) {
            return;
        }
        byte[] header = v1.toBytes();
        if (ciphertext.length < header.length || !Arrays.equals(ciphertext, 0, header.length, header, 0, header.length)) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.HEADER_MISMATCH, "chunk 0 of reference " + id
                    + " does not start with its format header");
        }
    }

    /** An empty part buffer under the task's memory budget. */
    PartBuffer newPart() {
        return new PartBuffer(budget, config.bufferDir());
    }

    /** The bucket must be one this connector may write, the key outside the companion prefix. */
    private void requireAllowedDestination(ChunkRecord chunk) throws ChunkRefusedException {
        if (!buckets.allows(chunk.bucket())) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.BUCKET_NOT_ALLOWED, "bucket '"
                    + ChunkRefusedException.printable(chunk.bucket()) + "' is not in " + S3SinkConfig.BUCKETS + " " + buckets);
        }
        if (isCompanionKey(chunk.key())) {
            // An SSE-C object's companion holds its only readable wrapped DEK: only the sink writes there.
            throw new ChunkRefusedException(ChunkRefusedException.Reason.INVALID_KEY, "object key '"
                    + ChunkRefusedException.printable(chunk.key()) + "' of reference " + chunk.referenceId() + " is under "
                    + ObjectMetadata.SSE_C_COMPANION_PREFIX + ", where only the sink writes SSE-C metadata companions");
        }
    }

    /**
     * Whether a key lands under the companion prefix, however it is spelled: S3 keys are not
     * paths, but a proxy or store on the way may collapse empty, "." and ".." segments, and one on
     * a case-insensitive file system may fold case; a real key never needs any of that here.
     */
    static boolean isCompanionKey(String key) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : key.split("/", -1)) {
            if (segment.equals("..")) {
                segments.pollLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        return COMPANION_SEGMENT.equalsIgnoreCase(segments.peekFirst());
    }

    /**
     * Producer metadata names are refused up front by the topology; here again, in any case, as
     * S3 folds names to lower case: {@code SRRRS-Kek-Id} would otherwise sit beside (or replace) ours.
     */
    private static void requireNoReservedName(Map<String, String> user, String id) throws ChunkRefusedException {
        for (String name : user.keySet()) {
            if (name != null && name.toLowerCase(Locale.ROOT).startsWith(ObjectMetadata.PREFIX)) {
                throw new ChunkRefusedException(ChunkRefusedException.Reason.INVALID_METADATA, "user metadata name '"
                        + ChunkRefusedException.printable(name) + "' of reference " + id + " is reserved: names "
                        + "starting with " + ObjectMetadata.PREFIX + " (in any case) are the format's");
            }
        }
    }

    /** The sealed SSE-C key of an object that asks for SSE-C, checked to open here before any upload. */
    private byte[] sealedSseCKey(ObjectStartFields s, ObjectIdentity identity) throws ChunkRefusedException {
        if (config.sseCPrivateKey() == null) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SSE_C_NOT_CONFIGURED, identity
                    + " asks for SSE-C, but " + S3SinkConfig.SSE_C_PRIVATE_KEY + " is not set");
        }
        if (s.sealedSseCKey() == null) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SSE_C_KEY_MISSING, identity
                    + " asks for SSE-C but carries no sealed SSE-C key");
        }
        if (!SseC.allowedOver(config.store())) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SSE_C_OVER_HTTP, identity
                    + " asks for SSE-C, which is refused over plain http (" + config.storeUrl() + ")");
        }
        try {
            Arrays.fill(SseCKeySealer.open(config.sseCPrivateKey(), s.sealedSseCKey(), identity), (byte) 0);
        } catch (IllegalArgumentException e) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SSE_C_KEY_INVALID, identity + ": "
                    + e.getMessage(), e);
        }
        return s.sealedSseCKey();
    }
}
