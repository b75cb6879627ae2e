package dev.agentlog.bench;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.report.JfrSummary;
import dev.agentlog.bench.report.ProcessorTable;
import dev.agentlog.bench.run.ProcessorInput.Variant;
import dev.agentlog.bench.run.ProcessorRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The processor's throughput alone: a preloaded {@code events.in} to {@code events}, exactly-once, the processor in a
 * JVM of its own against the embedded broker, in three variants of the input (clean, re-deliveries, held gaps).
 * Prints a markdown table (and writes it to {@code --output}); the figures go into docs/benchmarks.md by hand, beside
 * what they were compared with.
 */
@Command(name = "processor", mixinStandardHelpOptions = true,
        description = {"agentlog's processor alone, in a JVM of its own: a preloaded events.in of the Letta-like log to"
                + " events (exactly-once, the processor's defaults) on the embedded broker, in the variants clean,"
                + " duplicates (re-deliveries) and gaps (events ahead of their predecessor, held then released);"
                + " events/s and the processor JVM's CPU per event, per round and their median, as a markdown table."
                + " No PostgreSQL."})
final class ProcessorCommand implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "500000", paramLabel = "N",
            description = "Events of the generated Letta-like log (default: ${DEFAULT-VALUE}).")
    long events;

    @Mixin
    LogShapeOptions shape;

    @Option(names = "--rounds", defaultValue = "2", paramLabel = "N",
            description = "Rounds; each runs every variant once, in an order rotated from round to round (default:"
                    + " ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--variants", defaultValue = "clean,duplicates,gaps", split = ",", paramLabel = "V",
            description = "Variants to run: clean, duplicates, gaps (default: ${DEFAULT-VALUE}).")
    List<String> variants;

    @Option(names = "--share", defaultValue = "0.1", paramLabel = "F",
            description = "Share of the events re-delivered (duplicates) or moved ahead of their predecessor (gaps)"
                    + " (default: ${DEFAULT-VALUE}).")
    double share;

    @Option(names = "--with-stream-seq", description = "Keep the log's stream_seq in the clean and duplicates inputs"
            + " (the processor checks it); by default it is stripped and the processor assigns it, as for events sent"
            + " without one. The gaps variant always keeps it.")
    boolean withStreamSeq;

    @Option(names = "--jvm-options", defaultValue = "-XX:+UseParallelGC", split = " ", paramLabel = "OPTS",
            description = "JVM options of the processor's JVM, space-separated (default: ${DEFAULT-VALUE}).")
    List<String> jvmOptions;

    @Option(names = "--profile", description = "Record the processor's JVM with JFR (settings=profile) and print where"
            + " its stream threads and all its threads spent their samples.")
    boolean profile;

    @Option(names = "--commit-interval-ms", defaultValue = "0", paramLabel = "MS",
            description = "The processor's commit interval (0: its default, 100 ms). With exactly-once it is the"
                    + " latency of the log of record: a longer one trades latency for throughput.")
    long commitIntervalMs;

    @Option(names = "--gap-timeout-ms", defaultValue = "300000", paramLabel = "MS",
            description = "The processor's gap timeout (default: ${DEFAULT-VALUE}; the processor's own default is 30 s)."
                    + " On a loaded machine one partition can starve for longer than 30 s while the others flow, and a"
                    + " held event would then go to the dead-letter topic, which fails the run.")
    long gapTimeoutMs;

    @Option(names = "--streams-property", paramLabel = "NAME=VALUE",
            description = "A Kafka Streams or client property of the processor (e.g. producer.batch.size=262144,"
                    + " num.stream.threads=2), applied before agentlog's own as --kafka-property is; repeatable.")
    List<String> streamsProperties = new java.util.ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the table (with the run's details) here.")
    Path output;

    @Option(names = "--data-dir", defaultValue = ".agentlog/bench-processor", paramLabel = "DIR",
            description = "Broker data, processor state, logs and recordings; emptied at the start (default:"
                    + " ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || rounds < 1 || shape.partitions < 1 || shape.agents < 1) {
            throw new IllegalArgumentException("--events, --rounds, --partitions and --agents must be at least 1");
        }
        List<Variant> chosen = variants.stream().map(v -> Variant.valueOf(v.trim().toUpperCase(Locale.ROOT))).toList();
        String loadBefore = Machine.loadAverages();
        Instant started = Instant.now();
        List<ProcessorRun.Round> measured = ProcessorRun.run(new ProcessorRun.Options(dataDir, shape.partitions, events,
                shape.agents, shape.seed, rounds, chosen, share, withStreamSeq,
                jvmOptions.stream().filter(s -> !s.isBlank()).toList(), profile, commitIntervalMs, gapTimeoutMs,
                streamsProperties));
        StringBuilder text = new StringBuilder();
        String commitInterval = commitIntervalMs > 0 ? commitIntervalMs + " ms" : "default (100 ms)";
        String properties = streamsProperties.isEmpty() ? "none" : String.join(" ", streamsProperties);
        text.append(String.format(Locale.ROOT, "Processor alone, %s: %,d events of the Letta-like log (%d agents,"
                        + " seed %d, %d partitions), share %.2f, clean and duplicates %s stream_seq; processor JVM %s;"
                        + " commit interval %s; gap timeout %d ms; properties %s; %d round(s); load average before %s,"
                        + " after %s; %d cores.%n%n", started, events, shape.agents, shape.seed, shape.partitions, share,
                withStreamSeq ? "with" : "without", String.join(" ", jvmOptions), commitInterval, gapTimeoutMs,
                properties, rounds, loadBefore, Machine.loadAverages(), Runtime.getRuntime().availableProcessors()));
        text.append(ProcessorTable.markdown(measured));
        if (profile) {
            for (ProcessorRun.Round r : measured) {
                text.append(profileOf(r));
            }
        }
        System.out.println();
        System.out.print(text);
        if (output != null) {
            Files.writeString(output, text);
        }
        return 0;
    }

    /** Where the round's processor JVM spent its samples: the stream threads, and every thread. */
    private static String profileOf(ProcessorRun.Round r) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nJFR of %s round %d over its window (%s):%n", r.variant().label(), r.round(),
                r.recording()));
        for (boolean streamOnly : new boolean[] {true, false}) {
            JfrSummary s = JfrSummary.of(r.recording(), name -> !streamOnly || name.contains("-StreamThread-"), null,
                    r.from(), r.to(), 25, "dev.agentlog.");
            out.append(String.format(Locale.ROOT, "%n%s: %,d samples%n%nby area (first known frame from the top):%n%n",
                    streamOnly ? "stream threads" : "all threads", s.samples()));
            s.byArea().forEach(a -> out.append(String.format(Locale.ROOT, "- %5.1f%% %s%n", a.percent(), a.name())));
            out.append("\ntop frames (self):\n\n");
            s.topSelf().forEach(a -> out.append(String.format(Locale.ROOT, "- %5.1f%% %s%n", a.percent(), a.name())));
            out.append("\nunder agentlog's method (first dev.agentlog frame):\n\n");
            s.topOwn().forEach(a -> out.append(String.format(Locale.ROOT, "- %5.1f%% %s%n", a.percent(), a.name())));
        }
        // JNI calls (RocksDB) are not execution samples: the stream threads' native samples show them (and the waits)
        JfrSummary nativeSamples = JfrSummary.of(r.recording(), "jdk.NativeMethodSample",
                name -> name.contains("-StreamThread-"), null, r.from(), r.to(), 12, "dev.agentlog.");
        out.append(String.format(Locale.ROOT, "%nstream threads in native code: %,d samples (JNI work and waits)%n%n",
                nativeSamples.samples()));
        nativeSamples.topSelf().forEach(a -> out.append(String.format(Locale.ROOT, "- %5.1f%% %s%n", a.percent(),
                a.name())));
        return out.toString();
    }
}
