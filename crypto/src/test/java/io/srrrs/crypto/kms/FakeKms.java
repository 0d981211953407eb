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

    private static byte[] xor(byte[] in, EncryptionContext ctx) {
        byte[] out = in.clone();
        byte[] pad = ctx.canonicalBytes();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= (byte) (0x5A ^ pad[i % pad.length]);
        }
        return out;
    }
}
