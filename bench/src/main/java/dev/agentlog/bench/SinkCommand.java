package dev.agentlog.bench;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.report.BenchReport;
import dev.agentlog.bench.report.Chart;
import dev.agentlog.bench.report.JfrSummary;
import dev.agentlog.bench.report.MarkdownReport;
import dev.agentlog.bench.report.ReportSections;
import dev.agentlog.bench.run.AgentlogSinkRun;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.CopyCeilingRun;
import dev.agentlog.bench.run.LoadedLog;
import dev.agentlog.bench.run.LogLoader;
import dev.agentlog.bench.run.ThroughputResult;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Issue 6's benchmark: raw COPY of the rows (the ceiling) against agentlog's sink, same run, same PostgreSQL. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = {"agentlog's sink (effectively once) against raw COPY of the same rows, in one run: events/s, rows/s,"
                + " their ratio, worker CPU per event, peak heap; with --rebuild also `agentlog rebuild` of the sink's"
                + " tables. Writes the report and the chart."})
final class SinkCommand implements Callable<Integer> {
    static final String SINK_SCHEMA = "bench_agentlog";
    static final String COPY_SCHEMA = "bench_copy";
    static final String SINK_GROUP = "bench-agentlog-sink";
    /** The consumer group of the first sink run, whose tables the rebuild replays. */
    static final String FIRST_SINK_GROUP = SINK_GROUP + "-0";

    @Mixin
    BenchOptions options;

    @Mixin
    RebuildOptions rebuildOptions;

    @Option(names = "--rebuild", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also measure `agentlog rebuild` of the first run's tables, as `compare` does (default: off).")
    boolean rebuild;

    @Override
    public Integer call() throws Exception {
        options.validate();
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverages();
        try (BenchEnvironment env = BenchEnvironment.start(options.dataDir, options.shape.partitions)) {
            LoadedLog log = LogLoader.load(env.bootstrapServers(), options.shape.partitions, options.events,
                    options.shape.agents, options.shape.seed, false);
            List<ThroughputResult> sinks = runSinks(env, log, options);
            ThroughputResult copy = CopyCeilingRun.run(env, SINK_SCHEMA, COPY_SCHEMA);
            env.dropSchema(COPY_SCHEMA);
            RebuildOptions.Rebuilt rebuilt = rebuild ? rebuildOptions.run(env, log, sinks.get(0), options.jvmOptionList())
                    : new RebuildOptions.Rebuilt(null, "run `compare` (or `sink --rebuild`) for the rebuild");
            BenchReport report = new BenchReport(command("sink"), "sink", started, Duration.between(started, Instant.now()),
                    Machine.current(), loadBefore, Machine.loadAverages(), RunInfo.versions(env, false),
                    RunInfo.postgresSettings(env), options.shape.agents, options.shape.seed, options.shape.partitions, log,
                    copy, sinks,
                    List.of(), null, "run `compare` for latency", rebuilt.figures(), rebuilt.note(), null,
                    "run `compare`", profile(best(sinks)), null);
            write(report, options);
        }
        return 0;
    }

    /** agentlog's sink once per --sink-workers value; the first run in {@link #SINK_SCHEMA}, the others beside it. */
    static List<ThroughputResult> runSinks(BenchEnvironment env, LoadedLog log, BenchOptions o) throws Exception {
        List<ThroughputResult> runs = new java.util.ArrayList<>();
        for (int i = 0; i < o.sinkWorkers.size(); i++) {
            int workers = o.sinkWorkers.get(i);
            String schema = i == 0 ? SINK_SCHEMA : SINK_SCHEMA + "_" + i;
            runs.add(AgentlogSinkRun.run(env, log, new AgentlogSinkRun.Settings(schema, SINK_GROUP + "-" + i, workers,
                    o.batchMaxEvents, o.sinkHeap, o.jvmOptionList(), o.profile)));
            if (i == 0) {
                env.vacuum(schema); // kept for the COPY ceiling and the rebuild
            } else {
                env.dropSchema(schema);
            }
        }
        return runs;
    }

    /** The fastest run (events/s, else message rows/s), or null. */
    static ThroughputResult best(List<ThroughputResult> runs) {
        return runs.stream().max(java.util.Comparator.comparingDouble(t -> t.events() > 0 ? t.eventsPerSecond()
                : t.messageRowsPerSecond())).orElse(null);
    }

    static JfrSummary profile(ThroughputResult sink) throws Exception {
        if (sink.profile() == null || !Files.exists(sink.profile())) {
            return null;
        }
        return JfrSummary.of(sink.profile(), name -> name.startsWith("agentlog-sink-")
                || name.startsWith("ForkJoinPool.commonPool"), null, sink.from(), sink.to(), 15, "dev.agentlog.");
    }

    /** Where the peer's task threads spend their time, from its JFR recording; null without one. */
    static JfrSummary peerProfile(ThroughputResult peer) throws Exception {
        if (peer == null || peer.profile() == null || !Files.exists(peer.profile())) {
            return null;
        }
        return JfrSummary.of(peer.profile(), name -> true, "org.apache.kafka.connect.runtime.WorkerTask", peer.from(),
                peer.to(), 10, "io.debezium.");
    }

    static void write(BenchReport report, BenchOptions o) throws Exception {
        // the ingest bench's section, written by `agentlog-bench ingest`, survives a new report
        Files.writeString(o.output, ReportSections.keepingSectionOf(o.output, MarkdownReport.render(report)));
        Chart.write(report, o.chart);
        System.err.println("  report: " + o.output.toAbsolutePath() + ", chart: " + o.chart.toAbsolutePath());
    }

    static String command(String name) {
        return "java -jar bench/target/agentlog-bench.jar " + String.join(" ", BenchMain.arguments.length == 0
                ? new String[] {name} : BenchMain.arguments);
    }
}
