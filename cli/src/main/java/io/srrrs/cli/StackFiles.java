package io.srrrs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/** Where the local stack keeps its files under DIR, and how it writes them (secrets owner-only). */
final class StackFiles {

    private StackFiles() {
    }

    static Path keystore(Path dir) {
        return dir.resolve("kms").resolve("keks.p12");
    }

    static Path keystorePassword(Path dir) {
        return dir.resolve("kms").resolve("password");
    }

    static Path sseCPrivateKey(Path dir) {
        return dir.resolve("sse-c").resolve("sink-private.key");
    }

    static Path sseCPublicKey(Path dir) {
        return dir.resolve("sse-c").resolve("sink-public.key");
    }

    /** The configuration every {@code srrrs} command reads. */
    static Path cliProperties(Path dir) {
        return dir.resolve("srrrs.properties");
    }

    static String asProperties(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("# written by srrrs; every srrrs command reads it\n");
        m.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return sb.toString();
    }

    /** Replaces {@code file} by {@code m} at once: readers see the old or the new file, never half of one. */
    static void writeAtomically(Path file, Map<String, String> m) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, asProperties(m));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code text} to a new owner-only (600) {@code file}, replacing any old one. */
    static void writeSecret(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text.endsWith("\n") ? text : text + "\n");
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** {@link #deleteRecursively} for a temporary directory nothing depends on: a failure is ignored. */
    static void deleteQuietly(Path dir) {
        try {
            deleteRecursively(dir);
        } catch (IOException | RuntimeException ignored) {
            // a temporary directory; nothing depends on it
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
