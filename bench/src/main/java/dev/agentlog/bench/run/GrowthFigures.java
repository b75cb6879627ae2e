package dev.agentlog.bench.run;

import java.util.List;
import java.util.Map;

/**
 * What {@code growth} measured at one size of the log.
 *
 * @param events the log's events at this size
 * @param rebuild {@code agentlog rebuild --whole-log} of the whole log into a fresh schema
 * @param queries the in-process queries on the tables that rebuild made
 * @param processor the processor's run over the part of {@code events.in} appended since the previous size (all of it
 *     at the first), its state stores holding the earlier part's keys; null when not measured
 * @param processorFrom the input offsets the processor had committed before that run
 * @param disk what the data takes on disk after both
 */
public record GrowthFigures(long events, RebuildFigures rebuild, List<QueryTimings> queries, ProcessorRun.Round processor,
        long processorFrom, Disk disk) {

    /** Microseconds of the rebuild's replay per record of the log (swap left out: it does not grow with the log). */
    public double rebuildMicrosPerEvent() {
        return rebuild.replaySeconds() * 1e6 / rebuild.records();
    }

    /**
     * Bytes on disk.
     *
     * @param logOfRecord the log of record the rebuild read ({@code agentlog.events})
     * @param processorInput the processor's {@code events.in}
     * @param processorOutput the processor's {@code events}
     * @param changelogs the processor's state stores' changelog topics
     * @param stateDir the processor's state directory (RocksDB), after its run
     * @param tables each table of the rebuilt schema, {@code pg_total_relation_size}
     */
    public record Disk(long logOfRecord, long processorInput, long processorOutput, long changelogs, long stateDir,
            Map<String, Long> tables) {
        public long tablesTotal() {
            return tables.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
