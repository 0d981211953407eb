package io.srrrs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class E2eTableTest {

    @Test
    void peakHeapIsTheLargestOccupancyBeforeAnyCollection(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        Files.write(log, List.of(
                "[0.010s][info][gc] Using G1",
                "[1.234s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(256M) 3.100ms",
                "[2.345s][info][gc] GC(1) Pause Full (Allocation Failure) 201M->90M(247M) 40.2ms",
                "[3.456s][info][gc] GC(2) Pause Young (Allocation Failure) 120M->30M(247M) 2.0ms"));
        assertThat(E2eTable.peakHeapMiB(log)).isEqualTo(201);
        assertThat(E2eTable.liveHeapMiB(log)).isEqualTo(90);
        assertThat(E2eTable.peakHeapMiB(dir.resolve("missing.log"))).isEqualTo(-1);
    }

    @Test
    void quantilesAreNearestRankInMilliseconds() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = (i + 1) * 1_000_000L;
        }
        assertThat(E2eTable.millis(sorted, 0.50)).isEqualTo("50");
        assertThat(E2eTable.millis(sorted, 0.99)).isEqualTo("99");
        assertThat(E2eTable.millis(sorted, 1.0)).isEqualTo("100");
        assertThat(E2eTable.millis(new long[0], 0.5)).isEmpty();
    }

    @Test
    void ratioIsPipelineOverRaw() {
        E2eTable.Row ours = new E2eTable.Row("small", "pipeline", 1000, 4_096_000, 2_000_000_000L, new long[0], 0, "", "");
        E2eTable.Row raw = new E2eTable.Row("small", "raw", 1000, 4_096_000, 1_000_000_000L, new long[0], -1, "", "");
        assertThat(E2eTable.ratio(ours, raw, true).ratio()).isEqualTo("0.50 (objects/s)");
        assertThat(E2eTable.ratio(ours, raw, false).ratio()).isEqualTo("0.50 (MB/s)");
        List<String> lines = E2eTable.lines("header", List.of(ours, E2eTable.ratio(ours, raw, true)), List.of("foot"));
        assertThat(lines).hasSize(5);
        assertThat(lines.get(3)).contains("0.50 (objects/s)");
    }
}
