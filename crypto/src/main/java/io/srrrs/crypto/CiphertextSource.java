package io.srrrs.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Random access to an object's bytes, as a store offers it: its length, and a stream of any byte
 * range (an S3 ranged GET). What {@link ObjectDecryptor#decryptRange} reads from.
 */
public interface CiphertextSource {

    /** Total object length in bytes, header included. */
    long length() throws IOException;

    /** Bytes {@code [start, endExclusive)} of the object. */
    InputStream open(long start, long endExclusive) throws IOException;

    static CiphertextSource of(byte[] object) {
        Objects.requireNonNull(object, "object");
        return new CiphertextSource() {
            @Override
            public long length() {
                return object.length;
            }

            @Override
            public InputStream open(long start, long endExclusive) {
                Objects.checkFromToIndex(start, endExclusive, object.length);
                return new ByteArrayInputStream(object, (int) start, (int) (endExclusive - start));
            }
        };
    }

    static CiphertextSource of(Path file) {
        Objects.requireNonNull(file, "file");
        return new CiphertextSource() {
            @Override
            public long length() throws IOException {
                return Files.size(file);
            }

            @Override
            public InputStream open(long start, long endExclusive) throws IOException {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(start);
                InputStream all = Channels.newInputStream(channel);
                return new InputStream() {
                    private long remaining = endExclusive - start;

                    @Override
                    public int read() throws IOException {
                        if (remaining <= 0) {
                            return -1;
                        }
                        int b = all.read();
                        if (b >= 0) {
                            remaining--;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (remaining <= 0) {
                            return -1;
                        }
                        int n = all.read(b, off, (int) Math.min(len, remaining));
                        if (n > 0) {
                            remaining -= n;
                        }
                        return n;
                    }

                    @Override
                    public void close() throws IOException {
                        all.close();
                    }
                };
            }
        };
    }
}
