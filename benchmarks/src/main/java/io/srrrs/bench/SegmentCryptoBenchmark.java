package io.srrrs.bench;

import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekUsage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Streaming encryption and decryption of one 32 MiB object in format v1, against raw JCE
 * {@code AES/GCM/NoPadding} doing the least any segmented stream must do on the same buffers:
 * one {@code init + doFinal} per segment, into a reused buffer, handed to the same sink (encrypt)
 * or read from the same kind of stream (decrypt). The difference is what format v1 costs: key
 * derivation per object, header, nonce building, one byte of lookahead, bookkeeping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SegmentCryptoBenchmark {

    static final int OBJECT_BYTES = 32 * 1024 * 1024;

    @Param({"65536", "1048576"})
    public int segmentSize;

    private final ObjectIdentity identity = new ObjectIdentity("bench", "object.bin");
    private final EncryptionContext context = EncryptionContext.of("tenant", "bench");
    private byte[] plaintext;
    private byte[] dek;
    private SecretKeySpec rawKey;
    private Cipher rawCipher;
    private byte[] rawNonce;
    private byte[] ctBuffer;
    private byte[] ptBuffer;
    private byte[] rawCiphertext;
    private byte[] srrrsObject;
    private FormatHeader srrrsHeader;
    private long rawCounter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        plaintext = new byte[OBJECT_BYTES];
        random.nextBytes(plaintext);
        dek = new byte[32];
        random.nextBytes(dek);
        byte[] key = new byte[32];
        random.nextBytes(key);
        rawKey = new SecretKeySpec(key, "AES");
        rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
        rawNonce = new byte[12];
        random.nextBytes(rawNonce);
        ctBuffer = new byte[segmentSize + 16];
        ptBuffer = new byte[segmentSize];

        warmUpTheGcmIntrinsics();
        ByteArrayOutputStream raw = new ByteArrayOutputStream(OBJECT_BYTES + OBJECT_BYTES / segmentSize * 16 + 16);
        rawEncrypt(raw);
        rawCiphertext = raw.toByteArray();
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        try (DataKey k = DataKey.copyOf(dek);
             ObjectEncryptor enc = ObjectEncryptor.create(k, identity, context, segmentSize, DekUsage.NONE)) {
            srrrsHeader = enc.header();
            try (OutputStream out = enc.encryptingStream(object)) {
                out.write(plaintext);
            }
        }
        srrrsObject = object.toByteArray();
    }

    /**
     * The JIT compiles SunJCE's GCM loops (and swaps in their AES-NI/CLMUL intrinsics) only after
     * many calls; with 1 MiB calls that takes minutes of a JMH warm-up on JDK 17. Many small calls
     * reach the same compiled code in a second, for both sides alike.
     */
    private void warmUpTheGcmIntrinsics() throws GeneralSecurityException {
        byte[] in = new byte[4096];
        byte[] out = new byte[4096 + 16];
        byte[] back = new byte[4096];
        byte[] nonce = new byte[12];
        for (int i = 0; i < 30_000; i++) {
            ByteBuffer.wrap(nonce).putInt(8, i);
            rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
            int n = rawCipher.doFinal(in, 0, in.length, out, 0);
            rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
            rawCipher.doFinal(out, 0, n, back, 0);
        }
    }

    /** Counts bytes, keeps nothing: the same sink for both sides. */
    static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private void rawEncrypt(OutputStream sink) throws GeneralSecurityException, IOException {
        int segments = (OBJECT_BYTES + segmentSize - 1) / segmentSize;
        for (int i = 0; i < segments; i++) {
            int off = i * segmentSize;
            int len = Math.min(segmentSize, OBJECT_BYTES - off);
            // A fresh nonce per segment, as the JDK requires for GCM encryption.
            ByteBuffer.wrap(rawNonce).putLong(4, rawCounter++);
            rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, rawNonce));
            int n = rawCipher.doFinal(plaintext, off, len, ctBuffer, 0);
            sink.write(ctBuffer, 0, n);
        }
    }

    @Benchmark
    public long encryptRawJce() throws Exception {
        CountingSink sink = new CountingSink();
        rawEncrypt(sink);
        return sink.bytes;
    }

    @Benchmark
    public long encryptSrrrsStream() throws Exception {
        CountingSink sink = new CountingSink();
        try (DataKey k = DataKey.copyOf(dek);
             ObjectEncryptor enc = ObjectEncryptor.create(k, identity, context, segmentSize, DekUsage.NONE);
             OutputStream out = enc.encryptingStream(sink)) {
            out.write(plaintext);
        }
        return sink.bytes;
    }

    @Benchmark
    public void decryptRawJce(Blackhole bh) throws Exception {
        // The same nonces the setup used: replay its counter sequence.
        InputStream in = new ByteArrayInputStream(rawCiphertext);
        long counter = 0;
        byte[] nonce = rawNonce.clone();
        for (int n; (n = in.readNBytes(ctBuffer, 0, ctBuffer.length)) > 0; ) {
            ByteBuffer.wrap(nonce).putLong(4, counter++);
            rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
            bh.consume(rawCipher.doFinal(ctBuffer, 0, n, ptBuffer, 0));
        }
    }

    @Benchmark
    public void decryptSrrrsStream(Blackhole bh) throws Exception {
        try (DataKey k = DataKey.copyOf(dek);
             ObjectDecryptor dec = ObjectDecryptor.open(srrrsHeader, k, identity, context);
             InputStream in = dec.decrypt(new ByteArrayInputStream(srrrsObject))) {
            for (int n; (n = in.read(ptBuffer, 0, ptBuffer.length)) >= 0; ) {
                bh.consume(n);
            }
        }
    }
}
