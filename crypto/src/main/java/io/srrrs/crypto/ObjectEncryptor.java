package io.srrrs.crypto;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.internal.ObjectKeys;
import io.srrrs.crypto.internal.ThreadDrbg;
import io.srrrs.crypto.internal.SegmentCipher;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekUsage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypts one object in format v1. Derives the object's keys from the DEK at creation (after
 * which the DEK may be closed), then writes the body either as a stream
 * ({@link #encryptingStream}) or as bounded chunks for Kafka records ({@link #chunks}). Use it for
 * exactly one body: the nonces of a second one would repeat.
 */
public final class ObjectEncryptor implements AutoCloseable {

    /** The per-object salts' and nonce prefixes' DRBG, one per thread. */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadDrbg.perThread("srrrs-object-salts");

    private final FormatHeader header;
    private final ObjectKeys keys;
    private final DekUsage usage;
    private boolean used;

    private ObjectEncryptor(FormatHeader header, ObjectKeys keys, DekUsage usage) {
        this.header = header;
        this.keys = keys;
        this.usage = usage;
    }

    /** For an object at {@code identity} under the DEK of {@code dek} (usage is reported to it). */
    public static ObjectEncryptor create(DataKeyPair dek, ObjectIdentity identity, EncryptionContext context,
                                         int segmentSize) {
        return create(dek.plaintext(), identity, context, segmentSize, dek.usage());
    }

    /**
     * As the other {@code create}, for a DEK held apart from its wrapped copy; {@code usage} is told
     * of the plaintext bytes encrypted, segment by segment.
     */
    public static ObjectEncryptor create(DataKey dek, ObjectIdentity identity, EncryptionContext context,
                                         int segmentSize, DekUsage usage) {
        byte[] fresh = new byte[FormatV1.SALT_LENGTH + FormatV1.NONCE_PREFIX_LENGTH];
        RANDOM.get().nextBytes(fresh);
        byte[] salt = Arrays.copyOf(fresh, FormatV1.SALT_LENGTH);
        byte[] prefix = Arrays.copyOfRange(fresh, FormatV1.SALT_LENGTH, fresh.length);
        Arrays.fill(fresh, (byte) 0);
        return withFixedRandomness(dek, identity, context, segmentSize, usage, salt, prefix);
    }

    /**
     * With a given salt and nonce prefix instead of fresh random ones. Only for test vectors:
     * reusing a salt with the same DEK and identity repeats keys and nonces.
     */
    static ObjectEncryptor withFixedRandomness(DataKey dek, ObjectIdentity identity, EncryptionContext context,
                                               int segmentSize, DekUsage usage, byte[] salt, byte[] prefix) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(context, "context");
        FormatHeader.requireSegmentSize(segmentSize);
        byte[] parameters = parameterBytes(segmentSize, prefix);
        ObjectKeys keys = ObjectKeys.derive(dek.material(), salt, parameters, identity, context);
        FormatHeader header = new FormatHeader(segmentSize, salt, prefix, keys.keyCheck(), keys.identityCheck(),
                keys.contextCheck(), keys.commitment());
        return new ObjectEncryptor(header, keys, usage);
    }

    private static byte[] parameterBytes(int segmentSize, byte[] prefix) {
        // The same block FormatHeader.parameterBytes() yields; built before the header exists.
        return ByteBuffer.allocate(2 + 4 + FormatV1.NONCE_PREFIX_LENGTH)
                .put(FormatV1.VERSION).put(FormatV1.ALG_AES256_GCM_HKDF_SHA256).putInt(segmentSize).put(prefix).array();
    }

    /** The object's header, fixed at creation: write it first. */
    public FormatHeader header() {
        return header;
    }

    /** A stream that writes the header, then encrypted segments, to {@code sink}. */
    public EncryptingOutputStream encryptingStream(OutputStream sink) throws IOException {
        claim();
        return new EncryptingOutputStream(sink, header, segmentCipher(), usage);
    }

    /**
     * Pulls {@code plaintext} and hands out ciphertext chunks of at most {@code maxChunkBytes},
     * each holding whole segments; chunk 0 starts with the header.
     */
    public ChunkingEncryptor chunks(InputStream plaintext, int maxChunkBytes) {
        return chunks(plaintext, maxChunkBytes, -1);
    }

    /**
     * As {@link #chunks(InputStream, int)}, with the plaintext's length if it is known in advance
     * (-1 if not): buffers are then sized to the object. A wrong hint costs memory, never
     * correctness.
     */
    public ChunkingEncryptor chunks(InputStream plaintext, int maxChunkBytes, long lengthHint) {
        claim();
        return new ChunkingEncryptor(plaintext, header, segmentCipher(), usage, maxChunkBytes, lengthHint);
    }

    private SegmentCipher segmentCipher() {
        return new SegmentCipher(keys.contentKey(), header.noncePrefix());
    }

    private void claim() {
        if (used) {
            throw new IllegalStateException("an ObjectEncryptor encrypts exactly one body");
        }
        used = true;
    }

    /**
     * This object's SSE-C key (32 bytes, docs/FORMAT.md §8), for stores that also encrypt it with
     * a customer-provided key. The caller zeroes the array after use.
     */
    public byte[] sseCKey() {
        return keys.sseCKey();
    }

    @Override
    public void close() {
        keys.close();
    }
}
