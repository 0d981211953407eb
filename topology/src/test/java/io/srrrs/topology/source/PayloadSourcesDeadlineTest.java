package io.srrrs.topology.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.ReferenceValidator;

import java.io.InputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** srrrs.source.deadline.ms holds for every source type, a blocked read included. */
class PayloadSourcesDeadlineTest {

    @TempDir
    Path root;

    static ReferenceValidator.Valid valid(String uri, String scheme) {
        PayloadReference ref = PayloadReference.newBuilder().setId("id").setSource(new UriSource(uri)).setBucket("bucket")
                .setKey("k").setEncryptionContext(Map.of()).build();
        return new ReferenceValidator.Valid(ref, new ObjectIdentity("bucket", "k"), EncryptionContext.of(), scheme);
    }

    @Test
    @Timeout(30)
    void aReadBlockedOnASourceThatSendsNothingMoreFailsAtTheDeadline() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        InputStream stalled = new InputStream() {
            boolean sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!sent) {
                    sent = true;
                    return len;
                }
                try {
                    closed.await(); // a socket that stays open and silent
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        PayloadSource never = (ref, deadline) -> new OpenedPayload(stalled, -1);
        try (PayloadSources sources = new PayloadSources(Map.of("stalled", never), 1000, Duration.ofMillis(500))) {
            OpenedPayload p = sources.open(valid("stalled:x", "stalled"));
            long started = System.nanoTime();
            assertThat(p.stream().read(new byte[10])).isEqualTo(10);
            // The next read blocks until the deadline closes the stream, and fails as the deadline.
            assertThatThrownBy(() -> p.stream().read(new byte[10])).isInstanceOf(SourceDeadlineExceededException.class)
                    .hasMessageContaining("srrrs.source.deadline.ms = 500 ms");
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(300L, 5_000L);
        }
    }

    @Test
    void aFileSourceIsHeldToTheDeadlineToo() throws Exception {
        Files.write(root.resolve("f.bin"), new byte[100]);
        try (PayloadSources sources = new PayloadSources(Map.of("file", new FilePayloadSource(List.of(root.toString()))),
                1000, Duration.ofMillis(200))) {
            OpenedPayload p = sources.open(valid("file:" + root.resolve("f.bin"), "file"));
            Thread.sleep(400);
            assertThatThrownBy(() -> p.stream().readAllBytes()).isInstanceOf(SourceDeadlineExceededException.class);
            OpenedPayload q = sources.open(valid("file:" + root.resolve("f.bin"), "file"));
            assertThat(q.stream().readAllBytes()).as("a new payload gets a new deadline").hasSize(100);
        }
    }

    @Test
    void aDeadlineLeavesAtLeastOneMillisecondThenNone() throws Exception {
        SourceDeadline d = SourceDeadline.start(Duration.ofMillis(50));
        assertThat(d.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(50));
        Thread.sleep(80);
        assertThat(d.expired()).isTrue();
        assertThatThrownBy(d::remaining).isInstanceOf(SourceDeadlineExceededException.class);
    }

    @Test
    void anObjectReadInSlicesHasTheDeadlineForEachSliceNotForTheWhole() throws Exception {
        Files.write(root.resolve("sliced.bin"), new byte[100]);
        try (PayloadSources sources = new PayloadSources(Map.of("file", new FilePayloadSource(List.of(root.toString()))),
                1000, Duration.ofMillis(200))) {
            OpenedPayload p = sources.open(valid("file:" + root.resolve("sliced.bin"), "file"));
            assertThat(p.stream().readNBytes(10)).hasSize(10);
            p.deadline().pause(); // waits for its next slice: longer than the deadline, which does not run meanwhile
            Thread.sleep(400);
            p.deadline().resume();
            assertThat(p.stream().readNBytes(40)).as("the next slice has a whole deadline").hasSize(40);
            Thread.sleep(400); // one slice taking longer than the deadline is still cut
            assertThatThrownBy(() -> p.stream().readAllBytes()).isInstanceOf(SourceDeadlineExceededException.class);
        }
    }
}
