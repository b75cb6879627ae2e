package dev.agentlog.bench;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.report.BenchReport;
import dev.agentlog.bench.run.AgentlogSinkRun;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.CdcFigures;
import dev.agentlog.bench.run.CopyCeilingRun;
import dev.agentlog.bench.run.LatencyResult;
import dev.agentlog.bench.run.LatencyRun;
import dev.agentlog.bench.run.LoadedLog;
import dev.agentlog.bench.run.LogLoader;
import dev.agentlog.bench.run.PeerRun;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.ThroughputResult;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SinkSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 7's comparison, in one run on one broker and one PostgreSQL: the COPY ceiling, agentlog's sink and Kafka
 * Connect with the Debezium JDBC sink (its best setting and one task) on the same log; HTTP-ack-to-row latency of the
 * whole pipeline at fixed loads; rebuild; CDC latency.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"agentlog against raw COPY and Kafka Connect + the Debezium JDBC sink on the same log, plus latency"
                + " and rebuild. Needs the bench jar built with -Ppeer. Writes the report and the chart."})
final class CompareCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Mixin
    RebuildOptions rebuildOptions;

    @Option(names = "--peer-tasks", split = ",", defaultValue = "2,1", paramLabel = "N[,N...]",
            description = "tasks.max of each peer run, in order (default: ${DEFAULT-VALUE}; 2 is its best here).")
    List<Integer> peerTasks;

    @Option(names = "--peer-batch-size", defaultValue = "2000", paramLabel = "N",
            description = "The peer's batch.size and consumer max.poll.records (default: ${DEFAULT-VALUE}, its best here).")
    int peerBatchSize;

    @Option(names = "--peer-heap", defaultValue = "512m", paramLabel = "SIZE",
            description = "-Xmx of Kafka Connect's JVM (default: ${DEFAULT-VALUE}).")
    String peerHeap;

    @Option(names = "--latency-rates", split = ",", defaultValue = "1000,5000,10000,20000", paramLabel = "N[,N...]",
            description = "Offered loads in events/s for the latency runs (default: ${DEFAULT-VALUE}); none: --latency-seconds 0.")
    List<Integer> latencyRates;

    @Option(names = "--latency-seconds", defaultValue = "15", paramLabel = "S",
            description = "Seconds of each latency run, the first 3 of them warm-up (default: ${DEFAULT-VALUE}; 0 skips).")
    int latencySeconds;

    @Option(names = "--latency-commit-interval-ms", defaultValue = "20", paramLabel = "MS",
            description = "The processor's --commit-interval-ms in the latency runs (default: ${DEFAULT-VALUE}, set for"
                    + " latency; agentlog's default is " + ProcessorSettings.DEFAULT_COMMIT_INTERVAL_MS + ").")
    long latencyCommitIntervalMs;

    @Option(names = "--latency-batch-max-wait-ms", defaultValue = "10", paramLabel = "MS",
            description = "The sink's --batch-max-wait-ms in the latency runs (default: ${DEFAULT-VALUE}, set for latency;"
                    + " agentlog's default is " + SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS + ").")
    int latencyBatchMaxWaitMs;

    @Option(names = "--cdc-rate", defaultValue = "50", paramLabel = "N",
            description = "Source commits per second of the CDC latency run (default: ${DEFAULT-VALUE}).")
    int cdcRate;

    @Option(names = "--cdc-seconds", defaultValue = "10", paramLabel = "S",
            description = "Seconds of the CDC latency run, after the HTTP loads (default: ${DEFAULT-VALUE}; 0 skips it).")
    int cdcSeconds;

    @Option(names = "--rebuild", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Measure `agentlog rebuild` of the log (default: on).")
    boolean rebuild;

    @Override
    public Integer call() throws Exception {
        options.validate();
        if (!PeerRun.available()) {
            throw new IllegalStateException("the peer's connector (" + PeerRun.CONNECTOR_CLASS + ") is not in this jar:"
                    + " build it with the peer profile: mvn -B -Ppeer -pl bench -am package -DskipTests");
        }
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverages();
        try (BenchEnvironment env = BenchEnvironment.start(options.dataDir, options.shape.partitions)) {
            LoadedLog log = LogLoader.load(env.bootstrapServers(), options.shape.partitions, options.events,
                    options.shape.agents, options.shape.seed, true);
            List<ThroughputResult> sinks = SinkCommand.runSinks(env, log, options);
            ThroughputResult sink = sinks.get(0);
            ThroughputResult copy = CopyCeilingRun.run(env, SinkCommand.SINK_SCHEMA, SinkCommand.COPY_SCHEMA);
            env.dropSchema(SinkCommand.COPY_SCHEMA);
            List<ThroughputResult> peers = new ArrayList<>();
            for (int tasks : peerTasks) {
                String schema = "bench_peer_" + tasks + "task";
                peers.add(PeerRun.run(env, log, new PeerRun.Settings(schema, tasks, peerBatchSize, peerHeap,
                        options.jvmOptionList(), options.profile)));
                env.dropSchema(schema);
            }
            RebuildFigures rebuilt = null;
            String rebuildNote = "skipped (--no-rebuild)";
            if (rebuild) {
                RebuildOptions.Rebuilt run = rebuildOptions.run(env, log, sink, options.jvmOptionList());
                rebuilt = run.figures();
                rebuildNote = run.note();
            }
            List<LatencyResult> latency = null;
            String latencyNote = "skipped (--latency-seconds 0)";
            CdcFigures cdc = null;
            String cdcNote = "Not measured in this run: the latency runs were skipped (--latency-seconds 0)";
            if (latencySeconds > 0 && !latencyRates.isEmpty()) {
                LatencyRun.Results results = LatencyRun.run(env, latencyRates, latencySeconds,
                        options.shape.partitions, latencyCommitIntervalMs, latencyBatchMaxWaitMs, cdcRate, cdcSeconds);
                latency = results.http();
                latencyNote = "Each load runs " + latencySeconds + " s; its first 3 s are warm-up, not measured. Settings:"
                        + " the processor's `--commit-interval-ms " + latencyCommitIntervalMs + "`, the sink's"
                        + " `--batch-max-wait-ms " + latencyBatchMaxWaitMs + "`, one sink worker (agentlog's defaults: "
                        + ProcessorSettings.DEFAULT_COMMIT_INTERVAL_MS + " and " + SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS + ").";
                cdc = results.cdc();
                cdcNote = results.cdcNote();
            }
            BenchReport report = new BenchReport(SinkCommand.command("compare"), "compare", started,
                    Duration.between(started, Instant.now()), Machine.current(), loadBefore, Machine.loadAverages(),
                    RunInfo.versions(env, true), RunInfo.postgresSettings(env), options.shape.agents,
                    options.shape.seed, options.shape.partitions, log, copy, sinks, peers, latency, latencyNote, rebuilt,
                    rebuildNote, cdc, cdcNote,
                    SinkCommand.profile(SinkCommand.best(sinks)), SinkCommand.peerProfile(SinkCommand.best(peers)));
            SinkCommand.write(report, options);
        }
        return 0;
    }
}
