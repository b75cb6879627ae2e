package dev.agentlog.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar bench/target/agentlog-bench.jar <sink|compare|ingest|processor|latency|snapshots|queries|growth|encryption|chaos>}: agentlog's benchmarks. A program of its own, not an
 * {@code agentlog} subcommand, because {@code compare} carries the peer's jars (Kafka Connect's JDBC sink, Hibernate),
 * which the shipped {@code agentlog.jar} must not.
 */
@Command(name = "agentlog-bench", mixinStandardHelpOptions = true,
        subcommands = {SinkCommand.class, CompareCommand.class, IngestBenchCommand.class, ProcessorCommand.class,
                LatencyCommand.class, SnapshotBenchCommand.class, QueriesBenchCommand.class, GrowthCommand.class,
                EncryptionBenchCommand.class,
                dev.agentlog.bench.chaos.ChaosCommand.class},
        description = {"agentlog's benchmarks, on the embedded Kafka broker and a local PostgreSQL started for the run.",
                "Writes docs/benchmarks.md and docs/benchmarks.png (run it from the repository's root); `ingest` writes its"
                        + " section of docs/benchmarks.md only."})
public final class BenchMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The arguments as given, for the report's "command that produced it". */
    static String[] arguments = new String[0];

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        arguments = args.clone();
        dev.agentlog.bench.chaos.ChaosCommand.commandLine = "java -jar bench/target/agentlog-bench.jar "
                + String.join(" ", args);
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
