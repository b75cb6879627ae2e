package dev.agentlog.bench;

import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.LoadedLog;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.RebuildRun;
import dev.agentlog.bench.run.Tables;
import dev.agentlog.bench.run.ThroughputResult;
import dev.agentlog.sink.replay.RebuildSettings;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the rebuild run replays the first sink run's tables ({@code compare}, and {@code sink --rebuild}). */
final class RebuildOptions {
    @Option(names = "--rebuild-workers", defaultValue = "4",
            paramLabel = "N", description = "`agentlog rebuild --workers` of the rebuild run (default: ${DEFAULT-VALUE}:"
                    + " lanes take turns decoding and folding while PostgreSQL writes the others' batches; on 2 cores,"
                    + " 1M events, 2026-12-04: 1 lane 34 s, 2 lanes 28-35 s, 3 and 6 lanes 25 s, 4 lanes 24-25 s).")
    int rebuildWorkers;

    @Option(names = "--rebuild-batch-max-events", defaultValue = "" + RebuildSettings.DEFAULT_BATCH_MAX_EVENTS,
            paramLabel = "N", description = "`agentlog rebuild --rebuild-batch-max-events` of the rebuild run (default:"
                    + " ${DEFAULT-VALUE}, the command's own default).")
    int rebuildBatchMaxEvents;

    /** The rebuild and whether its tables hold what the sink wrote. */
    record Rebuilt(RebuildFigures figures, String note) {}

    /** Rebuilds the first sink run's schema ({@link SinkCommand#SINK_SCHEMA}) with {@code agentlog rebuild}. */
    Rebuilt run(BenchEnvironment env, LoadedLog log, ThroughputResult sink, List<String> jvmOptions) throws Exception {
        RebuildFigures figures = RebuildRun.run(env, SinkCommand.SINK_SCHEMA, SinkCommand.FIRST_SINK_GROUP, log.events(),
                rebuildWorkers, rebuildBatchMaxEvents, jvmOptions);
        String note = sameAsSink(env, sink);
        env.vacuum(SinkCommand.SINK_SCHEMA);
        return new Rebuilt(figures, note);
    }

    /** Whether the rebuilt tables hold what the sink wrote: same row count in every table, same messages digest. */
    private static String sameAsSink(BenchEnvironment env, ThroughputResult sink) throws Exception {
        Map<String, Long> rows = Tables.rowCounts(env.pool(), SinkCommand.SINK_SCHEMA);
        String digest = Tables.messagesDigest(env.pool(), SinkCommand.SINK_SCHEMA);
        boolean same = rows.equals(sink.rowsPerTable()) && digest.equals(sink.messagesDigest());
        return same ? "The rebuilt tables hold what the sink wrote: the same rows in every table and the same messages"
                + " digest." : "**The rebuilt tables differ from what the sink wrote**: rows " + rows + " against "
                + sink.rowsPerTable() + ", messages digest " + digest + " against " + sink.messagesDigest() + ".";
    }
}
