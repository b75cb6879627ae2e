package dev.agentlog.bench;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.run.ProcessorRun;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The processor's throughput alone: a preloaded {@code events.in} to {@code events}, exactly-once, on the embedded
 * broker, in rounds after a warm-up round. Prints the figures; writes no report (the figures go into
 * docs/benchmarks.md by hand, beside what they were compared with).
 */
@Command(name = "processor", mixinStandardHelpOptions = true,
        description = {"agentlog's processor alone: a preloaded events.in of the Letta-like log to events (exactly-once,"
                + " the processor's defaults) on the embedded broker; events/s and the stream threads' CPU per event,"
                + " per round and their median. No PostgreSQL, no report file."})
final class ProcessorCommand implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "200000", paramLabel = "N",
            description = "Events of the generated Letta-like log (default: ${DEFAULT-VALUE}).")
    long events;

    @Mixin
    LogShapeOptions shape;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Measured rounds after one warm-up round (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--with-stream-seq", description = "Keep the log's stream_seq in the input (the processor checks"
            + " it); by default it is stripped and the processor assigns it, as for events sent without one.")
    boolean withStreamSeq;

    @Option(names = "--data-dir", defaultValue = ".agentlog/bench-processor", paramLabel = "DIR",
            description = "Broker data and processor state; emptied at the start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || rounds < 1 || shape.partitions < 1 || shape.agents < 1) {
            throw new IllegalArgumentException("--events, --rounds, --partitions and --agents must be at least 1");
        }
        String loadBefore = Machine.loadAverages();
        List<ProcessorRun.Round> measured = ProcessorRun.run(dataDir, shape.partitions, events, shape.agents, shape.seed,
                rounds, withStreamSeq);
        System.out.printf(Locale.ROOT, "median of %d rounds: %,.0f events/s, stream threads %.1f us CPU per event"
                        + " (input %s stream_seq; load average before %s, after %s)%n", measured.size(),
                median(measured.stream().map(ProcessorRun.Round::eventsPerSecond).toList()),
                median(measured.stream().map(ProcessorRun.Round::cpuMicrosPerEvent).toList()),
                withStreamSeq ? "with" : "without", loadBefore, Machine.loadAverages());
        return 0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
