package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The object-format reader fuzzed (Jazzer): header, metadata map, whole-body and ranged
 * decryption, sealed SSE-C keys; properties in {@link FormatFuzzHarness}. In a normal build this
 * runs every seed and kept crash input under
 * {@code src/test/resources/io/srrrs/crypto/FormatFuzzTestInputs/format/}; {@code bin/fuzz format}
 * fuzzes it (JAZZER_FUZZ=1). Seeds are written by {@link FormatFuzzSeeds}.
 */
class FormatFuzzTest {

    static final Path SEEDS = Path.of("src/test/resources/io/srrrs/crypto/FormatFuzzTestInputs/format");

    // No JUnit @Timeout: Jazzer would apply it to the whole fuzzing run. bin/fuzz gives libFuzzer
    // a per-input -timeout instead.
    @FuzzTest(maxDuration = "30s")
    void format(byte[] input) throws IOException {
        FormatFuzzHarness.run(input);
    }

    /**
     * The seeds still reach where they were made to: "ok-" seeds are read successfully, "bad-" seeds
     * refused. A format change that left them behind would make the fuzzer start from nothing.
     */
    @Test
    void seedsReachTheReader() throws IOException {
        List<Path> seeds;
        try (Stream<Path> files = Files.list(SEEDS)) {
            seeds = files.sorted().toList();
        }
        assertThat(seeds).hasSizeGreaterThan(30);
        for (Path seed : seeds) {
            String name = seed.getFileName().toString();
            FormatFuzzHarness.Outcome outcome = FormatFuzzHarness.run(Files.readAllBytes(seed));
            if (name.startsWith("ok-")) {
                assertThat(outcome).as(name).isEqualTo(FormatFuzzHarness.Outcome.SUCCESS);
            } else if (name.startsWith("bad-")) {
                assertThat(outcome).as(name).isEqualTo(FormatFuzzHarness.Outcome.REFUSED);
            }
        }
    }
}
