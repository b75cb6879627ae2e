package dev.agentlog.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.run.LatencyResult;
import dev.agentlog.bench.run.LoadedLog;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.ThroughputResult;
import dev.agentlog.events.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {
    private static final Instant AT = Instant.parse("2026-11-24T06:00:00Z");

    private static ThroughputResult run(String name, long events, long messageRows, long rows, double seconds,
            long cpuNanos, String digest) {
        return new ThroughputResult(name, "settings of " + name, events, messageRows, rows, Map.of("messages", messageRows),
                seconds, 0.01, cpuNanos, cpuNanos / 2, 10_000_000_000L, 1_000_000_000L, 150L << 20, 300L << 20, "256m",
                digest, null, AT, AT.plusSeconds((long) seconds), 0.95, 100, 500,
                new ThroughputResult.Steady(2.0 / 3, cpuNanos * 2 / 3, cpuNanos / 3));
    }

    private static BenchReport report(List<ThroughputResult> peers, List<LatencyResult> latency) {
        LoadedLog log = new LoadedLog(1_000_000, Map.of(EventType.MESSAGE_CREATED, 650_000L, EventType.CONTEXT_UPDATED,
                350_000L), 520_000_000L, 700_000, 5_000, 640_000, Arrays.asList("m-1", null), 12.0);
        ThroughputResult copy = run("COPY (ceiling)", 0, 640_000, 1_800_000, 20, -1, "d1");
        ThroughputResult sink = run("agentlog sink, 2 workers", 1_000_000, 700_000, 1_800_000, 50, 30_000_000_000L, "d1");
        return new BenchReport("java -jar bench/target/agentlog-bench.jar compare", "compare", AT, Duration.ofMinutes(9),
                new Machine(2, "AMD EPYC", 24L << 30, "Linux", "OpenJDK 17"), "0.5, 0.5, 0.5", "1.0, 0.8, 0.6",
                Map.of("Kafka", "4.3.1"), Map.of("synchronous_commit", "on"), 1000, 42, 12, log, copy, List.of(sink), peers,
                latency, "Each load runs 15 s.", latency == null ? null : new RebuildFigures(1_000_000, 1_000_000, 25, 0.5, 1, 20, 30, 27),
                "The rebuilt tables hold what the sink wrote.", null, "Not measured in this run: the CDC path", null, null);
    }

    @Test
    void shouldRenderTargetsRatiosAndTheNotMeasuredRows() {
        ThroughputResult peer = run("Kafka Connect + Debezium JDBC, 2 tasks", 0, 700_000, 640_000, 70, 40_000_000_000L, "d1");
        String md = MarkdownReport.render(report(List.of(peer), null));

        assertThat(md).contains("## Targets", "| sink rows/s >= 75% of the COPY ceiling (issue 21) |",
                "| sink message rows/s >= 2x the peer's best", "**equal** in every contender's",
                "not measured in this run", "java -jar bench/target/agentlog-bench.jar compare");
        assertThat(md).doesNotContain("NaN");
    }

    @Test
    void shouldSayWhenTheTablesDiffer() {
        ThroughputResult peer = run("Kafka Connect + Debezium JDBC, 1 task", 0, 700_000, 640_000, 70, 40_000_000_000L, "other");

        assertThat(MarkdownReport.render(report(List.of(peer), null))).contains("**different**");
    }

    @Test
    void shouldDrawTheChartWithLatencies(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path png = dir.resolve("chart.png");
        List<LatencyResult> latency = List.of(new LatencyResult(1000, 990, 2, 10_000, 0, 0, 120, 180, 220, 300, 60, 90, 60, 130),
                new LatencyResult(5000, 4900, 10, 50_000, 0, 0, 150, 260, 400, 600, 70, 100, 80, 300));

        Chart.write(report(List.of(), latency), png);

        assertThat(Files.size(png)).isGreaterThan(10_000);
        assertThat(MarkdownReport.render(report(List.of(), latency))).contains("| 5,000 | 10 |");
    }
}
