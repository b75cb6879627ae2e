package dev.agentlog.bench;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.report.LatencyTable;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.LatencyResult;
import dev.agentlog.bench.run.LatencyRun;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SinkSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 21's read-your-writes figures on their own, without {@code compare}'s throughput runs and the peer (minutes
 * shorter, so they can be repeated): HTTP-ack-to-row latency of the whole pipeline in one process at fixed loads,
 * with the stages split. Prints the table and the targets in markdown; docs/benchmarks.md takes them by hand.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = {"HTTP ack to row visible, the whole pipeline (ingest, processor, sink) in this JVM as `agentlog up`"
                + " runs it, at fixed offered loads, stages split; prints markdown (no report file)."})
final class LatencyCommand implements Callable<Integer> {
    @Option(names = "--rates", split = ",", defaultValue = "1000,5000,10000,20000", paramLabel = "N[,N...]",
            description = "Offered loads in events/s (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "15", paramLabel = "S",
            description = "Seconds of each load, the first 3 of them warm-up (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--commit-interval-ms", defaultValue = "20", paramLabel = "MS",
            description = "The processor's --commit-interval-ms (default: ${DEFAULT-VALUE}, set for latency; agentlog's"
                    + " default is " + ProcessorSettings.DEFAULT_COMMIT_INTERVAL_MS + ").")
    long commitIntervalMs;

    @Option(names = "--batch-max-wait-ms", defaultValue = "10", paramLabel = "MS",
            description = "The sink's --batch-max-wait-ms (default: ${DEFAULT-VALUE}, set for latency; agentlog's default"
                    + " is " + SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS + ").")
    int batchMaxWaitMs;

    @Option(names = "--warm-up-seconds", defaultValue = "" + LatencyRun.WARM_UP_RUN_SECONDS, paramLabel = "S",
            description = "Seconds at " + LatencyRun.WARM_UP_RATE + " events/s before any load is measured: the whole"
                    + " pipeline, the broker included, runs in this JVM and its JIT compiles under that load (default:"
                    + " ${DEFAULT-VALUE}, as in compare, where the broker is already warm from the throughput runs).")
    int warmUpSeconds;

    @Option(names = "--partitions", defaultValue = "12", paramLabel = "N",
            description = "Partitions of the topics, as `agentlog up` makes them (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--data-dir", defaultValue = ".agentlog/bench-latency", paramLabel = "DIR",
            description = "Broker and PostgreSQL data; emptied at the start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (rates.isEmpty() || rates.stream().anyMatch(r -> r < 1) || seconds <= 3 || partitions < 1 || warmUpSeconds < 1) {
            throw new IllegalArgumentException("--rates must be loads >= 1, --seconds more than 3 (the warm-up),"
                    + " --partitions and --warm-up-seconds >= 1");
        }
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverages();
        List<LatencyResult> results;
        try (BenchEnvironment env = BenchEnvironment.start(dataDir, partitions)) {
            results = LatencyRun.run(env, rates, seconds, partitions, commitIntervalMs, batchMaxWaitMs, 0, 0,
                    warmUpSeconds).http();
        }
        System.out.printf(Locale.ROOT, "%n%s, %.1f min, load average before %s, after %s; warm-up %d s; processor"
                        + " --commit-interval-ms %d, sink --batch-max-wait-ms %d, one sink worker, %d partitions%n%n",
                started, Duration.between(started, Instant.now()).toSeconds() / 60.0, loadBefore, Machine.loadAverages(),
                warmUpSeconds, commitIntervalMs, batchMaxWaitMs, partitions);
        System.out.println(LatencyTable.markdown(results));
        System.out.println(LatencyTable.STAGES);
        System.out.println();
        System.out.println(LatencyTable.targetsMarkdown(results));
        return 0;
    }
}
