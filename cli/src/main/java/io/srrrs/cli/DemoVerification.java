package io.srrrs.cli;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.kms.DecoratedKms;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The demo's read-back: every object that landed is read through the client and its SHA-256
 * compared with the payload's; large ones also answer a ranged read across a segment boundary.
 */
final class DemoVerification {

    private DemoVerification() {
    }

    /** The number of objects that read back exactly as published; each that did not is added to {@code failures}. */
    static int verify(CliConfig config, Map<String, DemoPayloads.Payload> byId, Map<String, PublishAndWatch.Outcome> outcomes,
                      List<String> failures) throws IOException {
        int verified = 0;
        long total = byId.values().stream().mapToLong(DemoPayloads.Payload::size).sum();
        Progress progress = new Progress("reading back", total);
        try (DecoratedKms kms = config.kms(); SrrrsClient client = config.client(kms)) {
            for (Map.Entry<String, DemoPayloads.Payload> e : byId.entrySet()) {
                DemoPayloads.Payload p = e.getValue();
                PublishAndWatch.Outcome o = outcomes.get(e.getKey());
                if (!o.landed()) {
                    failures.add(p.key() + (o.rejected() != null ? " refused: " + o.rejected().getReason() + " "
                            + o.rejected().getMessage() : " never landed"));
                    progress.advance(p.size(), p.key());
                } else if (readsBack(client, o.bucket(), p, progress, failures)) {
                    verified++;
                }
            }
        }
        progress.done("read back and compared " + byId.size() + " objects");
        return verified;
    }

    private static boolean readsBack(SrrrsClient client, String bucket, DemoPayloads.Payload p, Progress progress,
                                     List<String> failures) {
        try {
            byte[] digest;
            try (InputStream in = client.open(bucket, p.key())) {
                digest = PayloadDigests.sha256(in, n -> progress.advance(n, p.key()));
            }
            boolean same = MessageDigest.isEqual(digest, p.sha256());
            if (same && p.size() > 200_000) {
                same = rangeMatches(client, bucket, p);
            }
            if (!same) {
                failures.add(p.key() + ": read back differs from what was published");
            }
            return same;
        } catch (Exception ex) {
            failures.add(p.key() + ": " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
            return false;
        }
    }

    /** A ranged read across a segment boundary returns exactly the source's bytes there. */
    private static boolean rangeMatches(SrrrsClient client, String bucket, DemoPayloads.Payload p) throws Exception {
        long offset = 65_536 - 100;
        int length = 300;
        byte[] expected = new byte[length];
        try (FileChannel ch = FileChannel.open(p.file())) {
            ch.read(ByteBuffer.wrap(expected), offset);
        }
        try (InputStream in = client.openRange(bucket, p.key(), offset, length)) {
            return Arrays.equals(in.readAllBytes(), expected);
        }
    }
}
