package io.srrrs.crypto.kms;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Secrets kept in files rather than in a configuration: the file's first line, trimmed. Every
 * {@code kms.*} secret given as {@code <key>.file} ({@link KmsConfig#secret}) and the sink's
 * {@code srrrs.sse-c.private.key.file} are read this way, so a secret can be a mounted file
 * (a Docker or Kubernetes secret) and never sit in a properties file or on a command line.
 */
public final class SecretFiles {

    private SecretFiles() {
    }

    /**
     * The first line of {@code file} (UTF-8), without surrounding white space.
     *
     * @throws IOException the file cannot be read, or is empty
     */
    public static String firstLine(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException(file + " is empty");
            }
            return line.trim();
        }
    }
}
