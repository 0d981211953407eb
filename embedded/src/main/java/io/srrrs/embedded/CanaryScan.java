package io.srrrs.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The byte search behind every plaintext-canary scan ({@code srrrs demo}, the chaos suite): does a
 * file hold the canary anywhere? Files are read in 1 MiB blocks, keeping an overlap so that a
 * canary split between two blocks is still found. A file that is gone by the time it is read (a
 * log segment the broker deleted meanwhile) counts as scanned with no hit.
 */
public final class CanaryScan {

    private static final int BLOCK = 1 << 20;

    private CanaryScan() {
    }

    /**
     * Scans {@code file} for {@code needle}; on a hit adds {@code where + ": " + file} to
     * {@code leaks} and stops reading that file.
     *
     * @return the bytes read
     */
    public static long scanFile(Path file, byte[] needle, List<String> leaks, String where) throws IOException {
        long scanned = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BLOCK + needle.length];
            int carry = 0;
            for (int n; (n = in.read(buf, carry, buf.length - carry)) > 0; ) {
                int len = carry + n;
                scanned += n;
                if (indexOf(buf, len, needle) >= 0) {
                    leaks.add(where + ": " + file);
                    return scanned;
                }
                carry = Math.min(needle.length - 1, len);
                System.arraycopy(buf, len - carry, buf, 0, carry);
            }
        } catch (NoSuchFileException gone) {
            // a segment deleted by the broker while we scanned
        }
        return scanned;
    }

    /** The first index of {@code needle} in {@code hay[0, len)}, or -1. */
    public static int indexOf(byte[] hay, int len, byte[] needle) {
        byte first = needle[0];
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            if (hay[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
