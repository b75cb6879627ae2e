package dev.agentlog.bench;

import dev.agentlog.sink.SinkSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every benchmark: the log, the world it runs in, agentlog's sink, where the report goes. */
final class BenchOptions {
    @Option(names = "--events", defaultValue = "1000000", paramLabel = "N",
            description = "Events in the generated Letta-like log (default: ${DEFAULT-VALUE}).")
    long events;

    @Mixin
    LogShapeOptions shape;

    @Option(names = "--data-dir", defaultValue = ".agentlog/bench", paramLabel = "DIR",
            description = "Broker and PostgreSQL data, logs, recordings; emptied at the start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--sink-workers", split = ",", defaultValue = "2,1", paramLabel = "N[,N...]",
            description = "agentlog sink workers in the sink's JVM (`agentlog sink --sink-workers`), one run each, in order"
                    + " (default: ${DEFAULT-VALUE}); the first run's tables feed the COPY ceiling and the rebuild.")
    List<Integer> sinkWorkers;

    @Option(names = "--batch-max-events", defaultValue = "" + SinkSettings.DEFAULT_BATCH_MAX_EVENTS, paramLabel = "N",
            description = "agentlog sink batch size (default: ${DEFAULT-VALUE}, the sink's own default).")
    int batchMaxEvents;

    @Option(names = "--sink-heap", defaultValue = "256m", paramLabel = "SIZE",
            description = "-Xmx of the sink's JVM: the target is a worker under 256 MB of heap (default: ${DEFAULT-VALUE}).")
    String sinkHeap;

    @Option(names = "--jvm-options", defaultValue = "-XX:+UseParallelGC", paramLabel = "OPTIONS",
            description = "JVM options of every contender's JVM (agentlog's sink and the peer alike), space-separated, as"
                    + " docker-compose.yml runs a sink worker (default: ${DEFAULT-VALUE}: on 2 cores the throughput collector"
                    + " cost the sink about 19 us of CPU per event where G1 cost about 26).")
    String jvmOptions;

    /** {@link #jvmOptions} as JVM arguments. */
    List<String> jvmOptionList() {
        return jvmOptionList(jvmOptions);
    }

    /** A space-separated {@code --jvm-options} value as JVM arguments (every bench command that starts JVMs). */
    static List<String> jvmOptionList(String options) {
        return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Record agentlog's sink and the peer with JFR (execution samples every 10 ms) and summarize"
                    + " where their CPU goes (default: on).")
    boolean profile;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md", paramLabel = "FILE",
            description = "The report (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--chart", defaultValue = "docs/benchmarks.png", paramLabel = "FILE",
            description = "The chart (default: ${DEFAULT-VALUE}).")
    Path chart;

    void validate() {
        List<String> problems = new ArrayList<>();
        if (events < 1000) {
            problems.add("--events must be >= 1000, was " + events);
        }
        if (shape.agents < 1) {
            problems.add("--agents must be >= 1, was " + shape.agents);
        }
        if (events < 7L * shape.agents + 20) {
            problems.add("--events must be >= 7 x --agents + 20 (each agent's set-up takes 7 events), was " + events);
        }
        if (shape.partitions < 1) {
            problems.add("--partitions must be >= 1, was " + shape.partitions);
        }
        if (sinkWorkers.isEmpty() || sinkWorkers.stream().anyMatch(w -> w < 1)) {
            problems.add("--sink-workers must be one or more numbers >= 1, was " + sinkWorkers);
        }
        if (batchMaxEvents < 1 || batchMaxEvents > SinkSettings.MAX_BATCH_MAX_EVENTS) {
            problems.add("--batch-max-events must be between 1 and " + SinkSettings.MAX_BATCH_MAX_EVENTS + ", was "
                    + batchMaxEvents);
        }
        if (!sinkHeap.matches("[0-9]+[kKmMgG]?")) {
            problems.add("--sink-heap must be a -Xmx size such as 256m, was " + sinkHeap);
        }
        Path reportDir = output.toAbsolutePath().getParent();
        if (reportDir == null || !reportDir.toFile().isDirectory()) {
            problems.add("--output " + output + ": its directory does not exist (run from the repository's root, or pass"
                    + " --output and --chart)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }
}
