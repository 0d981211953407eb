package io.srrrs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes decrypted plaintext to a file the way {@code srrrs get -o} must: through a temp file in
 * the target's directory that is created new (never an existing file or a planted symlink: the
 * name is random, the creation exclusive) and readable by the owner only (mode 600 from its
 * creation, whatever the umask allows), moved onto the target atomically only once every byte was
 * verified, and deleted on any failure, so a refused object leaves no plaintext behind.
 */
final class PrivateOutput {

    private PrivateOutput() {
    }

    /** The temp file's name: hidden, beside the target, with a random part {@link Files#createTempFile} picks. */
    static final String SUFFIX = ".srrrs-partial";

    /** Copies {@code in} to {@code target} as described; returns the bytes written. */
    static long write(InputStream in, Path target, Progress progress, String label) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", SUFFIX, ownerOnly());
        boolean moved = false;
        try {
            long written = 0;
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    written += n;
                    progress.advance(n, label);
                }
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            return written;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0]; // createTempFile's own default there is owner-only where it can be
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
}
