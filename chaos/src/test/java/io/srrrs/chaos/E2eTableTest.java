package io.srrrs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.format.OutputFormat;

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

    @Test
    void anS3ecRowIsLabelledByFormatAndCarriesItsRatioToTheSharedBaseline() {
        E2eTable.Row v1 = new E2eTable.Row("small", "pipeline srrrs-v1", 1000, 4_096_000, 2_000_000_000L, new long[0], 0,
                "", "");
        E2eTable.Row raw = E2eTable.ratio(v1, new E2eTable.Row("small", "raw PutObject, 8 threads", 1000, 4_096_000,
                1_000_000_000L, new long[0], -1, "", ""), true);
        E2eTable.Row v3 = E2eTable.against(new E2eTable.Row("small", "pipeline s3ec-v3", 1000, 4_096_000,
                4_000_000_000L, new long[] {5_000_000L}, 3, "", ""), raw, true);
        E2eTable.Row v2 = E2eTable.against(new E2eTable.Row("medium", "pipeline s3ec-v2", 10, 10_000_000,
                1_000_000_000L, new long[0], 1, "", ""), new E2eTable.Row("medium", "raw PutObject, 8 threads", 10,
                10_000_000, 500_000_000L, new long[0], -1, "", ""), false);
        List<String> lines = E2eTable.lines("header", List.of(v1, raw, v3, v2), List.of());
        assertThat(lines.get(3)).contains("0.50 (objects/s)").doesNotContain(" vs ");
        assertThat(lines.get(4)).startsWith("small      pipeline s3ec-v3 ").contains(" 250 ")
                .endsWith("0.25 (objects/s) vs raw PutObject, 8 threads");
        assertThat(lines.get(5)).startsWith("medium     pipeline s3ec-v2 ").contains(" 10.0 ")
                .endsWith("0.50 (MB/s) vs raw PutObject, 8 threads");
        assertThat(raw.ratio()).isEqualTo("0.50 (objects/s)"); // the baseline row keeps srrrs-v1's ratio
    }

    @Test
    void theS3ecReadRowSaysWhetherTheBodyIsBufferedOrReadTwice() {
        assertThat(E2eReadBack.s3ecSide(OutputFormat.S3EC_V3, 1L << 20)).isEqualTo("client s3ec-v3, buffered");
        assertThat(E2eReadBack.s3ecSide(OutputFormat.S3EC_V2, (64L << 20) - 16)).isEqualTo("client s3ec-v2, buffered");
        // 64 MiB of plaintext is a body of 64 MiB + 16: above the client's buffer, so two passes.
        assertThat(E2eReadBack.s3ecSide(OutputFormat.S3EC_V3, 64L << 20)).isEqualTo("client s3ec-v3, read twice");
    }
}
