package io.srrrs.topology.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A payload stream cut when its source's deadline passes: reads then fail with
 * {@link SourceDeadlineExceededException}. That includes a read that was blocked when the
 * deadline closed the stream: the stream then fails it with whatever its closing makes it throw
 * (a plain {@code IOException("closed")}, an {@code AsynchronousCloseException}), which would
 * otherwise look like a transient failure and be retried.
 */
final class DeadlineInputStream extends FilterInputStream implements OpenedPayload.SliceDeadline {

    private final ScheduledExecutorService timer;
    private final AtomicBoolean expired = new AtomicBoolean();
    private volatile SourceDeadline deadline;
    private ScheduledFuture<?> cut;

    DeadlineInputStream(InputStream in, SourceDeadline deadline, ScheduledExecutorService timer) {
        super(in);
        this.timer = timer;
        this.deadline = deadline;
        this.cut = timer.schedule(this::cut, deadline.remainingMillis(), TimeUnit.MILLISECONDS);
    }

    /** Between two slices of an object: no cut while nothing is read (a deadline that struck already stays). */
    @Override
    public synchronized void pause() {
        cut.cancel(false);
    }

    /** The next slice gets a whole deadline, so that one transaction's reads stay within it (D49). */
    @Override
    public synchronized void resume() {
        cut.cancel(false);
        if (expired.get()) {
            return; // cut already: the next read fails as the deadline
        }
        deadline = SourceDeadline.start(deadline.budget());
        cut = timer.schedule(this::cut, deadline.remainingMillis(), TimeUnit.MILLISECONDS);
    }

    private void cut() {
        expired.set(true); // before the close, so that the read it fails sees the deadline
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check(null);
        int n;
        try {
            n = super.read(b, off, len);
        } catch (IOException e) {
            check(e);
            throw e;
        }
        if (n < 0) {
            check(null); // an end of body seen once the deadline closed it is not the payload's end
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping is not supported on a payload stream");
    }

    /** Past the deadline every read fails as the deadline, whatever the cut made the stream throw. */
    private void check(IOException cause) throws SourceDeadlineExceededException {
        if (expired.get() || deadline.expired()) {
            SourceDeadlineExceededException e = new SourceDeadlineExceededException(deadline.budget());
            if (cause != null) {
                e.initCause(cause);
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            cut.cancel(false);
        }
        super.close();
    }
}
