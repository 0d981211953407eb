package io.srrrs.crypto;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekUsage;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The fixed keys the format fuzz target reads objects with: the five test vectors of
 * docs/vectors/format-v1.json, and one "canary" set whose plaintext is a recognisable text, so a
 * refusal message that quoted plaintext would be caught. Every plaintext is a function of the byte
 * position alone, so any byte a reader releases can be checked against it, whichever object of
 * the set (and whichever segment) it came from.
 */
final class FuzzKeySets {

    /** Planted in every canary plaintext; no refusal message may contain it. */
    static final byte[] CANARY = "SRRRS-FUZZ-CANARY-PLAINTEXT|".getBytes(StandardCharsets.US_ASCII);
    static final String CANARY_MARK = "FUZZ-CANARY";
    static final int CANARY_SET = FormatVectors.CASES.size();

    /** The sink's X25519 private key for sealed SSE-C keys (fixed: tests only). */
    static final String SINK_PRIVATE_KEY = Base64.getEncoder().encodeToString(FormatVectors.sequence(0x11, 32));

    record KeySet(String name, byte[] dek, byte[] salt, byte[] prefix, int segmentSize, ObjectIdentity identity,
                  EncryptionContext context, FormatHeader header, boolean canary) {

        /** The plaintext byte at position {@code p} of every object of this set. */
        byte plaintextAt(long p) {
            return canary ? CANARY[(int) (p % CANARY.length)] : (byte) (p % 251);
        }

        byte[] plaintext(int length) {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) {
                b[i] = plaintextAt(i);
            }
            return b;
        }

        DataKey newDek() {
            return DataKey.copyOf(dek);
        }

        /** The object of {@code plaintextLength} bytes, exactly as the writer makes it. */
        byte[] object(int plaintextLength) throws IOException {
            // A fixed salt and prefix repeat nonces by design here; the JDK refuses a key and
            // nonce pair reused on one thread's cipher, so each object is encrypted on a new thread.
            byte[][] result = new byte[1][];
            IOException[] failure = new IOException[1];
            Thread t = new Thread(() -> {
                try {
                    result[0] = encrypt(plaintextLength);
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (failure[0] != null) {
                throw failure[0];
            }
            return result[0];
        }

        private byte[] encrypt(int plaintextLength) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DataKey key = newDek();
                 ObjectEncryptor enc = ObjectEncryptor.withFixedRandomness(key, identity, context, segmentSize,
                         DekUsage.NONE, salt, prefix);
                 OutputStream s = enc.encryptingStream(out)) {
                s.write(plaintext(plaintextLength));
            }
            return out.toByteArray();
        }

        /** The object's srrrs-* metadata, its DEK wrapped by the local KMS under the vectors' KEK. */
        ObjectMetadata metadata() {
            byte[] blob = LocalKeystoreKms.wrapBlob(FormatVectors.KEK_NAME, FormatVectors.KEK_VERSION, FormatVectors.KEK,
                    dek, context);
            return new ObjectMetadata(header, new WrappedDek("local", new KekId(FormatVectors.KEK_NAME), blob), context);
        }

        /** Key material that must never show in a message, in the spellings a leak would take. */
        List<String> secrets() {
            return List.of(HexFormat.of().formatHex(dek), HexFormat.of().withUpperCase().formatHex(dek),
                    Base64.getEncoder().encodeToString(dek));
        }
    }

    static final List<KeySet> ALL = build();

    private FuzzKeySets() {
    }

    static KeySet of(int index) {
        return ALL.get(Math.floorMod(index, ALL.size()));
    }

    private static List<KeySet> build() {
        List<KeySet> sets = new ArrayList<>();
        for (int i = 0; i < FormatVectors.CASES.size(); i++) {
            FormatVectors.Case c = FormatVectors.CASES.get(i);
            sets.add(keySet(c.name(), FormatVectors.dek(i), FormatVectors.salt(i), FormatVectors.prefix(i),
                    c.segmentSize(), new ObjectIdentity(c.bucket(), c.key()), EncryptionContext.of(c.context()), false));
        }
        sets.add(keySet("canary", FormatVectors.sequence(0x60, 32), FormatVectors.sequence(0xC0, 32),
                FormatVectors.sequence(0xE0, 7), 64, new ObjectIdentity("fuzz-bucket", "canary/object.bin"),
                EncryptionContext.of(Map.of("tenant", "fuzz", "class", "canary")), true));
        return List.copyOf(sets);
    }

    private static KeySet keySet(String name, byte[] dek, byte[] salt, byte[] prefix, int segmentSize,
                                 ObjectIdentity identity, EncryptionContext context, boolean canary) {
        try (DataKey key = DataKey.copyOf(dek);
             ObjectEncryptor enc = ObjectEncryptor.withFixedRandomness(key, identity, context, segmentSize,
                     DekUsage.NONE, salt, prefix)) {
            return new KeySet(name, dek, salt, prefix, segmentSize, identity, context, enc.header(), canary);
        }
    }
}
