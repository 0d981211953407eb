package io.srrrs.chaos;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.Digests;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KmsConfig;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * After a pipeline row of {@code bin/bench e2e} (never inside its measured time): every object
 * read back through the project's client, which must find it in the format the references asked
 * for (so an S3EC row cannot silently measure format v1) and decrypt it to the payload's SHA-256.
 */
final class E2eVerify implements AutoCloseable {

    private static final int THREADS = 4;

    private final DecoratedKms kms;
    private final SrrrsClient client;

    E2eVerify(ChaosStack stack) {
        this.kms = KmsConfig.stack(stack.kmsConfig());
        this.client = SrrrsClient.create(stack.store.config(), kms.kms(), KekAllowList.parse(ChaosStack.KEK, ""));
    }

    /** What was wrong, one line per object (empty: every object is there, in {@code format}, intact). */
    List<String> check(List<Payload> payloads, OutputFormat format) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<String>> done = new ArrayList<>();
            for (Payload p : payloads) {
                done.add(pool.submit(() -> problem(p, format)));
            }
            List<String> problems = new ArrayList<>();
            for (Future<String> f : done) {
                String problem = f.get();
                if (problem != null) {
                    problems.add(problem);
                }
            }
            return problems;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Null when the object is fine; never names plaintext or key material, only sizes and types. */
    private String problem(Payload p, OutputFormat format) {
        try {
            OutputFormat stored = client.inspect(p.bucket(), p.key()).metadata().content().outputFormat();
            if (stored != format) {
                return p.key() + ": stored as " + stored.id() + ", asked for " + format.id();
            }
            MessageDigest md = Digests.sha256();
            long n = 0;
            try (InputStream in = client.open(p.bucket(), p.key())) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) >= 0; ) {
                    md.update(buf, 0, r);
                    n += r;
                }
            }
            return HexFormat.of().formatHex(md.digest()).equals(p.sha256()) ? null
                    : p.key() + ": decrypts to " + n + " bytes with another SHA-256";
        } catch (Exception e) {
            return p.key() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @Override
    public void close() {
        client.close();
        kms.close();
    }
}
