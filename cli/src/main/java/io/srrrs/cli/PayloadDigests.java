package io.srrrs.cli;

import io.srrrs.crypto.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** SHA-256 of files and streams (over crypto's {@link Digests}): what references carry for the topology to verify, and what the demo compares. */
final class PayloadDigests {

    private PayloadDigests() {
    }

    static byte[] sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in, n -> { });
        }
    }

    /** Digests what {@code in} holds, telling {@code read} the size of each block as it goes. */
    static byte[] sha256(InputStream in, BlockRead read) throws IOException {
        MessageDigest md = Digests.sha256();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            read.bytes(n);
        }
        return md.digest();
    }

    @FunctionalInterface
    interface BlockRead {
        void bytes(int n);
    }
}
