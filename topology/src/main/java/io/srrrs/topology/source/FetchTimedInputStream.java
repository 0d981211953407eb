package io.srrrs.topology.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Tells its {@link PayloadSources.FetchObserver} once, at the end of the stream, how long the
 * source took from being opened to its last byte; a stream closed before its end (bad input, an
 * aborted attempt) tells nothing, so the histogram holds whole fetches only.
 */
final class FetchTimedInputStream extends FilterInputStream {

    private final String scheme;
    private final long openedNanos;
    private final PayloadSources.FetchObserver observer;
    private boolean told;

    FetchTimedInputStream(InputStream in, String scheme, long openedNanos, PayloadSources.FetchObserver observer) {
        super(in);
        this.scheme = scheme;
        this.openedNanos = openedNanos;
        this.observer = observer;
    }

    @Override
    public int read() throws IOException {
        return atEnd(super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return len == 0 ? 0 : atEnd(super.read(b, off, len));
    }

    private int atEnd(int n) {
        if (n < 0 && !told) {
            told = true;
            observer.fetched(scheme, System.nanoTime() - openedNanos);
        }
        return n;
    }
}
