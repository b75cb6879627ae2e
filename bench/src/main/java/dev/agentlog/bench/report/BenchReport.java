package dev.agentlog.bench.report;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.run.CdcFigures;
import dev.agentlog.bench.run.LatencyResult;
import dev.agentlog.bench.run.LoadedLog;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.ThroughputResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, for the Markdown report and the chart. Parts not measured are null (or empty), with
 * the reason in the matching note.
 *
 * @param command the command line that produced it
 * @param kind {@code sink} or {@code compare}
 */
public record BenchReport(String command, String kind, Instant startedAt, Duration took, Machine machine,
        String loadBefore, String loadAfter, Map<String, String> versions, Map<String, String> postgresSettings,
        int agents, long seed, int partitions, LoadedLog log, ThroughputResult copy, List<ThroughputResult> agentlogRuns,
        List<ThroughputResult> peers, List<LatencyResult> latency, String latencyNote, RebuildFigures rebuild,
        String rebuildNote, CdcFigures cdc, String cdcNote, JfrSummary sinkProfile, JfrSummary peerProfile) {

    /** agentlog's best run (most events per second), or null. */
    public ThroughputResult agentlog() {
        return agentlogRuns.stream().max(java.util.Comparator.comparingDouble(ThroughputResult::eventsPerSecond))
                .orElse(null);
    }

    /** The peer's best run (most message rows per second), or null. */
    public ThroughputResult bestPeer() {
        return peers.stream().max(java.util.Comparator.comparingDouble(ThroughputResult::messageRowsPerSecond))
                .orElse(null);
    }
}
