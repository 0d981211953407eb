package io.srrrs.topology.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with {@link SourceTooLargeException} as soon as more than {@code limit} bytes are read. */
public final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping is not supported on a payload stream");
    }

    private void count(long n) throws SourceTooLargeException {
        count += n;
        if (count > limit) {
            throw new SourceTooLargeException(limit);
        }
    }

    public long count() {
        return count;
    }
}
