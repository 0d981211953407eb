package io.srrrs.sink;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink task's handling of chunk records, fuzzed (Jazzer): sequences of real chunks, changed
 * chunks and values that are no chunks at all, put() one by one, with redeliveries, rebalances
 * and commits between them; properties and input layout in {@link ChunkFuzzHarness}. A normal
 * build runs the seeds and kept crash inputs under
 * {@code src/test/resources/io/srrrs/sink/ChunkFuzzTestInputs/anyChunks/}; {@code bin/fuzz
 * sink-chunk} fuzzes.
 */
class ChunkFuzzTest {

    @TempDir
    static Path dir;
    static ChunkFuzzHarness harness;
    static SilentCloseable storeOnly;

    @BeforeAll
    static void start() throws Exception {
        harness = new ChunkFuzzHarness(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (storeOnly != null) {
            storeOnly.close();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyChunks(byte[] steps) {
        storeOnly();
        harness.run(steps);
    }

    /**
     * Jazzer's SSRF detector: the task talks to S3Proxy on loopback, and to nothing else. The bug
     * detectors may load only when fuzzing starts (bin/fuzz), so this is tried again then.
     */
    static void storeOnly() {
        if (storeOnly == null) {
            try {
                storeOnly = BugDetectors.allowNetworkConnections((host, port) -> host.equalsIgnoreCase("localhost")
                        || host.startsWith("127."));
            } catch (IllegalStateException detectorsNotLoadedYet) {
                // no detectors in this mode, so nothing to allow
            }
        }
    }
}
