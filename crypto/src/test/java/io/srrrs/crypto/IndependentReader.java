package io.srrrs.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * A second reader of format v1, written from docs/FORMAT.md alone: no class of this project, only
 * the JDK's base64, AES-GCM and AES-KWP and Bouncy Castle's HKDF. It follows §11's check order
 * step by step and refuses with §11's error names, so where it and the production reader agree on
 * every vector, the specification says enough, and says the same as the code.
 */
final class IndependentReader {

    /** A refusal, by its FORMAT.md name. */
    static final class Refused extends Exception {
        final String name;

        Refused(String name) {
            super(name);
            this.name = name;
        }
    }

    /** The reader's local keystore (§7.1): one KEK version. */
    record Keystore(String kekName, int kekVersion, byte[] kek) {
    }

    /** Who reads, and how: mode object (whole read), range ([from, to)) or body (the body alone). */
    record Reader(String mode, String kms, String bucket, String key, List<String> allowedKeks, byte[] dek,
                  long from, long to) {
    }

    private static final List<String> KMS_TYPES = List.of("local", "pkcs11", "aws-kms", "vault");

    /** The SSE-C key (§8) of the last object whose keys were derived. */
    byte[] sseCKey;

    /** §11, steps 1 to 8; returns the plaintext released. */
    byte[] read(byte[] object, Map<String, String> metadata, Keystore keystore, Reader r) throws Refused {
        if (r.mode().equals("body")) {
            parseHeader(object, false);
            return new byte[0];
        }
        // Step 1: metadata, names case-insensitive.
        Map<String, String> m = new HashMap<>();
        metadata.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        if (m.get("srrrs-header") == null) {
            throw new Refused("NOT_ENCRYPTED");
        }
        byte[] header = IndependentMetadata.base64(m.get("srrrs-header"));
        parseHeader(header, true);
        int s = ByteBuffer.wrap(header).getInt(7);
        String kms = IndependentMetadata.present(m, "srrrs-kms");
        String kekId = IndependentMetadata.present(m, "srrrs-kek-id");
        String wrapped = IndependentMetadata.present(m, "srrrs-wrapped-dek");
        if (!kms.matches("[a-z0-9-]{1,16}")) {
            throw new Refused("MALFORMED_METADATA");
        }
        if (!KMS_TYPES.contains(kms)) {
            throw new Refused("UNKNOWN_KMS");
        }
        byte[] blob = IndependentMetadata.base64(wrapped);
        if (kekId.length() > 256 || !kekId.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)
                || blob.length < 1 || blob.length > 768) {
            throw new Refused("MALFORMED_METADATA");
        }
        String sseC = m.get("srrrs-sse-c");
        if (sseC != null && !sseC.equals("AES256")) {
            throw new Refused("MALFORMED_METADATA");
        }
        byte[] c = IndependentMetadata.context(m.getOrDefault("srrrs-context", ""));
        // Step 2: the length rule.
        long n = segmentCount(object.length, s);
        long p = object.length - 130 - 16 * n;
        // Steps 3-5: the KMS type, the allow-list, the unwrap (skipped by a reader that holds the DEK).
        byte[] dek = r.dek();
        if (dek == null) {
            if (!kms.equals(r.kms())) {
                throw new Refused("UNKNOWN_KMS");
            }
            if (!r.allowedKeks().contains("*") && !r.allowedKeks().contains(kekId)) {
                throw new Refused("KEK_NOT_ALLOWED");
            }
            dek = unwrapLocal(kekId, blob, c, keystore);
        }
        // Step 6: §4.
        byte[] contentKey = deriveAndCheck(dek, header, r, c);
        // Steps 7-8.
        if (r.mode().equals("range")) {
            return range(object, header, contentKey, n, p, r.from(), r.to());
        }
        byte[] bodyHeader = parseHeader(object, false);
        if (!Arrays.equals(bodyHeader, header)) {
            throw new Refused("HEADER_MISMATCH");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long i = 0; i < n; i++) {
            out.writeBytes(segment(object, header, contentKey, i, n));
        }
        return out.toByteArray();
    }

    /** §2 for a body (short = TRUNCATED), §11 step 1b for srrrs-header (wrong size = MALFORMED_METADATA). */
    private static byte[] parseHeader(byte[] b, boolean metadata) throws Refused {
        if (b.length < 5 || !new String(b, 0, 5, StandardCharsets.ISO_8859_1).equals("SRRRS")) {
            throw new Refused("NOT_ENCRYPTED");
        }
        if (b.length < 7) {
            throw new Refused(metadata ? "MALFORMED_METADATA" : "TRUNCATED");
        }
        if (b[5] != 1) {
            throw new Refused("UNSUPPORTED_VERSION");
        }
        if (b[6] != 1) {
            throw new Refused("UNSUPPORTED_ALGORITHM");
        }
        if (metadata ? b.length != 130 : b.length < 130) {
            throw new Refused(metadata ? "MALFORMED_METADATA" : "TRUNCATED");
        }
        long s = ByteBuffer.wrap(b).getInt(7) & 0xFFFF_FFFFL;
        if (s < 64 || s > 16_777_216) {
            throw new Refused("MALFORMED_HEADER");
        }
        return Arrays.copyOf(b, 130);
    }

    /** §5's length rule: the number of segments n, or TRUNCATED / EXTENDED. */
    private static long segmentCount(long length, int s) throws Refused {
        long body = length - 130;
        if (body < 16) {
            throw new Refused("TRUNCATED");
        }
        long n = (body + s + 16 - 1) / (s + 16);
        if (n > (1L << 32)) {
            throw new Refused("EXTENDED");
        }
        if (body - (n - 1) * (s + 16) < 16) {
            throw new Refused("TRUNCATED");
        }
        return n;
    }

    /** §7.1: blob = 0x01 ‖ u32(kekVersion) ‖ AES-KWP(wrapKey, DEK). */
    private static byte[] unwrapLocal(String kekId, byte[] blob, byte[] c, Keystore ks) throws Refused {
        if (!kekId.equals(ks.kekName())) {
            throw new Refused("UNKNOWN_KEK");
        }
        if (blob.length != 45 || blob[0] != 1) {
            throw new Refused("UNWRAP_FAILED");
        }
        int version = ByteBuffer.wrap(blob).getInt(1);
        if (version != ks.kekVersion()) {
            throw new Refused("UNKNOWN_KEK");
        }
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(label("SRRRS local wrap v1"));
        lp16(info, kekId.getBytes(StandardCharsets.UTF_8));
        info.writeBytes(ByteBuffer.allocate(4).putInt(version).array());
        info.writeBytes(c);
        try {
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(hkdf(ks.kek(), null, info.toByteArray(), 32), "AES"));
            return kwp.doFinal(blob, 5, 40);
        } catch (GeneralSecurityException e) {
            throw new Refused("UNWRAP_FAILED");
        }
    }

    /** §4: the four checks in order, then the content key. */
    private byte[] deriveAndCheck(byte[] dek, byte[] header, Reader r, byte[] c) throws Refused {
        byte[] salt = Arrays.copyOfRange(header, 11, 43);
        byte[] p = cat(Arrays.copyOfRange(header, 5, 11), Arrays.copyOfRange(header, 43, 50)); // version ‖ alg ‖ S ‖ prefix
        ByteArrayOutputStream i = new ByteArrayOutputStream();
        lp16(i, r.bucket().getBytes(StandardCharsets.UTF_8));
        lp16(i, r.key().getBytes(StandardCharsets.UTF_8));
        byte[] bound = cat(p, i.toByteArray(), c);
        check(hkdf(dek, salt, label("SRRRS v1 key check"), 16), header, 50, "WRONG_DEK");
        check(hkdf(dek, salt, cat(label("SRRRS v1 identity check"), i.toByteArray()), 16), header, 66, "WRONG_IDENTITY");
        check(hkdf(dek, salt, cat(label("SRRRS v1 context check"), c), 16), header, 82, "WRONG_CONTEXT");
        check(hkdf(dek, salt, cat(label("SRRRS v1 commitment"), bound), 32), header, 98, "HEADER_MODIFIED");
        sseCKey = hkdf(dek, salt, cat(label("SRRRS v1 sse-c key"), bound), 32);
        return hkdf(dek, salt, cat(label("SRRRS v1 content key"), bound), 32);
    }

    private static void check(byte[] derived, byte[] header, int offset, String name) throws Refused {
        if (!MessageDigest.isEqual(derived, Arrays.copyOfRange(header, offset, offset + derived.length))) {
            throw new Refused(name);
        }
    }

    /** §5 random access: [from, to) of the plaintext, clamped to p. */
    private static byte[] range(byte[] object, byte[] header, byte[] key, long n, long p, long from, long to)
            throws Refused {
        if (from < 0 || to < from || from > p) {
            throw new Refused("INVALID_RANGE");
        }
        to = Math.min(to, p);
        if (from == to) {
            return new byte[0];
        }
        int s = ByteBuffer.wrap(header).getInt(7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long i = from / s; i <= (to - 1) / s; i++) {
            out.writeBytes(segment(object, header, key, i, n));
        }
        int skip = (int) (from % s);
        return Arrays.copyOfRange(out.toByteArray(), skip, skip + (int) (to - from));
    }

    /** Segment i of n, decrypted; on failure §5.1's diagnosis names it. */
    private static byte[] segment(byte[] object, byte[] header, byte[] key, long i, long n) throws Refused {
        int s = ByteBuffer.wrap(header).getInt(7);
        int start = (int) (130 + i * (s + 16));
        byte[] ct = Arrays.copyOfRange(object, start, (int) Math.min(object.length, start + s + 16L));
        boolean last = i == n - 1;
        byte[] plain = gcm(key, header, i, last, ct);
        if (plain != null) {
            return plain;
        }
        if (gcm(key, header, i, !last, ct) != null) {
            throw new Refused(last ? "TRUNCATED" : "EXTENDED");
        }
        int budget = (int) Math.min(129, Math.max(1, (1 << 20) / ct.length)) - 1;
        for (int d = 1; d <= 32; d++) {
            for (long j : new long[] {i - d, i + d}) {
                for (int flag = 0; flag < 2 && j >= 0 && j < (1L << 32); flag++) {
                    if (budget-- == 0) {
                        throw new Refused("SEGMENT_MODIFIED");
                    }
                    if (gcm(key, header, j, flag == 1, ct) != null) {
                        throw new Refused("SEGMENT_OUT_OF_ORDER");
                    }
                }
            }
        }
        throw new Refused("SEGMENT_MODIFIED");
    }

    /** AES-256-GCM with nonce = prefix(7) ‖ u32(i) ‖ last, no AAD; null if the tag fails. */
    private static byte[] gcm(byte[] key, byte[] header, long i, boolean last, byte[] ct) {
        byte[] nonce = ByteBuffer.allocate(12).put(header, 43, 7).putInt((int) i).put((byte) (last ? 1 : 0)).array();
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            return gcm.doFinal(ct);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    private static byte[] label(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    static void lp16(ByteArrayOutputStream out, byte[] b) {
        u16(out, b.length);
        out.writeBytes(b);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
