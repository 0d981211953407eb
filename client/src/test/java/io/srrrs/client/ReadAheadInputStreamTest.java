package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {

    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).as("no reader thread left behind").isTrue();
    }

    @Test
    void deliversExactlyTheSourceBytesWhateverTheirLength() throws Exception {
        Random random = new Random(7);
        for (int size : new int[] {0, 1, 99, 100, 101, 1000, 12_345}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), pool, 3, 100)) {
                assertThat(in.readAllBytes()).as("size " + size).isEqualTo(data);
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aSourceFailureReachesTheReaderAfterTheBytesBeforeIt() throws Exception {
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ < 250) {
                    return 1;
                }
                throw new IOException("connection reset");
            }
        };
        try (InputStream in = new ReadAheadInputStream(failing, pool, 2, 100)) {
            byte[] first = in.readNBytes(200);
            assertThat(first).hasSize(200);
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessage("connection reset");
        }
    }

    @Test
    void closingEarlyStopsTheReaderAndClosesTheSource() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 7;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        InputStream in = new ReadAheadInputStream(endless, pool, 2, 64);
        assertThat(in.read()).isEqualTo(7);
        in.close();
        assertThat(closed).isTrue();
        // the pool's thread must be free again: stop() waits for it
    }
}
