package io.srrrs.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads ciphertext from the store on another thread while the caller's thread decrypts what
 * arrived: the TLS receive and the segment AEAD then use two cores instead of taking turns on one.
 * Memory is bounded: at most {@code blocks} blocks of {@code blockSize} bytes are in flight. It
 * carries ciphertext only; plaintext is never buffered here.
 */
final class ReadAheadInputStream extends InputStream {

    private static final byte[] END = new byte[0];

    private final InputStream source;
    private final BlockingQueue<byte[]> filled;
    private final Future<?> reader;
    private volatile IOException failure;
    private byte[] current = new byte[0];
    private int position;
    private int limit;
    private boolean ended;

    ReadAheadInputStream(InputStream source, ExecutorService executor, int blocks, int blockSize) {
        this.source = source;
        this.filled = new ArrayBlockingQueue<>(blocks);
        this.reader = executor.submit(() -> fill(blockSize));
    }

    private void fill(int blockSize) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                byte[] block = new byte[blockSize];
                int n = source.readNBytes(block, 0, blockSize);
                if (n <= 0) {
                    break;
                }
                filled.put(n == blockSize ? block : java.util.Arrays.copyOf(block, n));
                if (n < blockSize) {
                    break;
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            return; // closed by the reader: nobody waits for END
        }
        try {
            filled.put(END);
        } catch (InterruptedException ignored) {
            // closed by the reader
        }
    }

    private boolean next() throws IOException {
        if (ended) {
            return false;
        }
        try {
            current = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the object");
        }
        if (current == END) {
            ended = true;
            if (failure != null) {
                throw failure;
            }
            return false;
        }
        position = 0;
        limit = current.length;
        return true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == limit && !next()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        reader.cancel(true);
        filled.clear();
        if (!ended && source instanceof software.amazon.awssdk.core.ResponseInputStream<?> response) {
            response.abort(); // not draining the rest of a large object just to reuse a connection
        } else {
            source.close();
        }
    }
}
