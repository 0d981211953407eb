package io.srrrs.chaos;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.Digests;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The verdict on every reference once the run is over: its object is there, complete and
 * decrypting (through the real client) to the exact SHA-256, or a dead letter says why — never
 * both, never neither. Also what must not be there: objects nobody asked for, open multipart
 * uploads.
 */
final class Verifier {

    /** The verdict; every list names references (or keys) with what was wrong. */
    record Result(int verified, int refusedAsExpected, List<String> lost, List<String> both, List<String> corrupt,
                  List<String> deadLettered, List<String> unexpectedObjects, int openUploads,
                  List<String> unpublished, Map<String, Integer> deadLetterReasons, int orphanCompanions) {
    }

    /** Where the metadata companions lie: {@code .srrrs-meta/<key>} beside {@code <key>}. */
    private static final String META_PREFIX = ".srrrs-meta/";

    private Verifier() {
    }

    static Result verify(List<Payload> payloads, DeadLetters deadLetters, Map<String, String> unpublished,
                         StoreConfig store, Map<String, String> kmsConfig) throws Exception {
        Set<String> keys;
        int openUploads;
        try (S3Client s3 = StoreClients.s3(store)) {
            keys = listAll(s3);
            openUploads = s3.listMultipartUploads(b -> b.bucket(Workload.BUCKET)).uploads().size();
        }
        Tally tally = new Tally();
        Map<String, DeadLetters.DeadLetter> dl = deadLetters.byReference();
        for (Payload p : payloads) {
            tally.add(p, keys.contains(p.key()), dl.get(p.id()), unpublished.get(p.id()));
        }
        List<String> corrupt = readBack(tally.toRead, store, kmsConfig);
        Set<String> expected = new HashSet<>();
        payloads.forEach(p -> expected.add(p.key()));
        List<String> unexpected = keys.stream().filter(k -> !k.startsWith(META_PREFIX) && !expected.contains(k))
                .sorted().toList();
        int orphans = (int) keys.stream().filter(k -> k.startsWith(META_PREFIX)
                && !keys.contains(k.substring(META_PREFIX.length()))).count();
        return new Result(tally.toRead.size() - corrupt.size(), tally.refused, tally.lost, tally.both, corrupt,
                tally.deadLettered, unexpected, openUploads, tally.skipped, tally.reasons, orphans);
    }

    /** What became of each reference, as far as listing the store and reading the dead letters tell. */
    static final class Tally {
        final List<String> lost = new ArrayList<>();
        final List<String> both = new ArrayList<>();
        final List<String> deadLettered = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final List<Payload> toRead = new ArrayList<>();
        final Map<String, Integer> reasons = new TreeMap<>();
        int refused;

        /**
         * @param object     whether the store holds the reference's key
         * @param letter     its dead letter, or null
         * @param unacknowledged why Kafka did not acknowledge its publication, or null if it did
         */
        void add(Payload p, boolean object, DeadLetters.DeadLetter letter, String unacknowledged) {
            if (letter != null) {
                reasons.merge(letter.where() + " " + letter.reason(), 1, Integer::sum);
            }
            if (unacknowledged != null) {
                skipped.add(p.key() + ": not acknowledged by Kafka (" + unacknowledged + ")");
            } else if (object && letter != null) {
                both.add(p.key() + ": an object and a dead letter (" + letter.where() + " " + letter.reason() + ")");
            } else if (!p.mustLand()) {
                addRefusal(p, object, letter);
            } else if (object) {
                toRead.add(p);
            } else if (letter != null) {
                deadLettered.add(p.key() + ": " + letter.where() + " " + letter.reason() + " " + letter.message());
            } else {
                lost.add(p.key() + " (" + p.id() + "): no object, no dead letter");
            }
        }

        /** A reference built to be refused: it must end as the expected dead letter, never as an object. */
        private void addRefusal(Payload p, boolean object, DeadLetters.DeadLetter letter) {
            if (object) {
                both.add(p.key() + ": a reference to refuse became an object");
            } else if (letter == null || !letter.reason().equals(Payload.EXPECTED_REFUSAL)) {
                lost.add(p.key() + ": expected a " + Payload.EXPECTED_REFUSAL + " dead letter, got "
                        + (letter == null ? "none" : letter.reason()));
            } else {
                refused++;
            }
        }
    }

    /** Reads every landed object through the client, three at a time; returns what did not match. */
    private static List<String> readBack(List<Payload> payloads, StoreConfig store, Map<String, String> kmsConfig)
            throws Exception {
        List<String> corrupt = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (DecoratedKms kms = KmsConfig.stack(kmsConfig); SrrrsClient client = SrrrsClient.create(store, kms.kms(),
                KekAllowList.parse(ChaosStack.KEK, ""))) {
            List<Future<?>> done = new ArrayList<>();
            for (Payload p : payloads) {
                done.add(pool.submit(() -> check(client, p, corrupt)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return corrupt;
    }

    private static void check(SrrrsClient client, Payload p, List<String> corrupt) {
        try {
            MessageDigest md = Digests.sha256();
            long n = 0;
            try (InputStream in = client.open(p.bucket(), p.key())) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    md.update(buf, 0, r);
                    n += r;
                }
            }
            String sha = HexFormat.of().formatHex(md.digest());
            if (!sha.equals(p.sha256())) {
                corrupt.add(p.key() + ": decrypts to " + n + " bytes with another SHA-256");
            }
        } catch (Exception e) {
            corrupt.add(p.key() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static Set<String> listAll(S3Client s3) {
        Set<String> keys = new HashSet<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(Workload.BUCKET).continuationToken(t));
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return keys;
    }
}
