package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one class the decorator unit tests mock: a KMS that "wraps" by XOR with a fixed pad (no
 * security, only for counting and failure injection) and can be told to fail the next calls.
 */
final class FakeKms implements Kms {
    final AtomicInteger generateCalls = new AtomicInteger();
    final AtomicInteger unwrapCalls = new AtomicInteger();
    final List<DataKey> handedOut = new ArrayList<>();
    private final Deque<KmsException> failures = new ArrayDeque<>();
    private final SecureRandom random = new SecureRandom();

    synchronized void failNext(KmsException... es) {
        failures.addAll(List.of(es));
    }

    private synchronized void maybeFail() throws KmsException {
        KmsException e = failures.poll();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public String type() {
        return "fake";
    }

    @Override
    public KekId resolve(String aliasOrId) throws KmsException {
        maybeFail();
        return new KekId(aliasOrId);
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        generateCalls.incrementAndGet();
        maybeFail();
        byte[] dek = new byte[32];
        random.nextBytes(dek);
        DataKey key = DataKey.adopt(dek);
        synchronized (this) {
            handedOut.add(key);
        }
        return new DataKeyPair(key, new WrappedDek("fake", kek, xor(dek, context)));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        unwrapCalls.incrementAndGet();
        maybeFail();
        return DataKey.adopt(xor(wrapped.blob(), context));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
        maybeFail();
        return new WrappedDek("fake", target, wrapped.blob());
    }

    /** An S3EC "wrap": the v1 fake blob behind one byte naming the wrapping, checked on unwrap. */
    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return generateDataKey(kek, context);
        }
        DataKeyPair v1 = generateDataKey(kek, context);
        return new DataKeyPair(v1.plaintext(), new WrappedDek("fake", kek, tagged(wrapping, v1.wrapped().blob())));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return unwrap(wrapped, context);
        }
        unwrapCalls.incrementAndGet();
        maybeFail();
        byte[] blob = wrapped.blob();
        if (blob.length != 33 || blob[0] != wrapping.ordinal()) {
            throw new InvalidWrappedKeyException("not wrapped as " + wrapping);
        }
        return DataKey.adopt(xor(java.util.Arrays.copyOfRange(blob, 1, 33), context));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return rewrap(wrapped, context, target);
        }
        maybeFail();
        return new WrappedDek("fake", target, wrapped.blob());
    }

    private static byte[] tagged(DekWrapping wrapping, byte[] blob) {
        byte[] out = new byte[blob.length + 1];
        out[0] = (byte) wrapping.ordinal();
        System.arraycopy(blob, 0, out, 1, blob.length);
        return out;
    }

    private static byte[] xor(byte[] in, EncryptionContext ctx) {
        byte[] out = in.clone();
        byte[] pad = ctx.canonicalBytes();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= (byte) (0x5A ^ pad[i % pad.length]);
        }
        return out;
    }
}
