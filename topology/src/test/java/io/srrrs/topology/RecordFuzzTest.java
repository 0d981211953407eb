package io.srrrs.topology;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology's handling of one input record, fuzzed (Jazzer) through Kafka Streams'
 * TopologyTestDriver; properties in {@link RecordFuzzHarness}. Two targets:
 * {@link #anyBytes} (the record value as it comes off the topic) and {@link #anyReference}
 * (structurally valid PayloadReferences, in the text form of {@link ReferenceText}, with any field
 * values). A normal build runs the seeds and kept crash inputs under
 * {@code src/test/resources/io/srrrs/topology/RecordFuzzTestInputs/<target>/}; {@code bin/fuzz}
 * fuzzes.
 */
class RecordFuzzTest {

    @TempDir
    static Path dir;
    static RecordFuzzHarness harness;
    static SilentCloseable loopbackOnly;

    @BeforeAll
    static void start() throws Exception {
        harness = new RecordFuzzHarness(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (loopbackOnly != null) {
            loopbackOnly.close();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyBytes(byte[] value) throws Exception {
        loopbackOnly();
        harness.pipeBytes(value);
    }

    @FuzzTest(maxDuration = "30s")
    void anyReference(byte[] text) throws Exception {
        loopbackOnly();
        harness.pipeReference(text);
    }

    /**
     * Jazzer's SSRF detector: the sources may reach our loopback servers, and nothing else; a
     * connection anywhere else would be a source allow-list bypassed, and is reported. Jazzer's
     * bug detectors load only when fuzzing starts, and BugDetectors must not be touched before
     * (it would stay unusable), so this runs with the first input.
     */
    static void loopbackOnly() {
        if (loopbackOnly == null) {
            try {
                loopbackOnly = BugDetectors.allowNetworkConnections((host, port) -> isLoopback(host));
            } catch (IllegalStateException detectorsNotLoadedYet) {
                // no detectors in this mode, so nothing to allow
            }
        }
    }

    /** By name only (resolving a fuzzed host name would itself be a request), in any case. */
    private static boolean isLoopback(String host) {
        String h = (host.startsWith("[") ? host.substring(1, host.length() - 1) : host).toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
}
