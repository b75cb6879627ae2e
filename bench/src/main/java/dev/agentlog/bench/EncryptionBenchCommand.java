package dev.agentlog.bench;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.run.AgentlogSinkRun;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.LoadedLog;
import dev.agentlog.bench.run.LogLoader;
import dev.agentlog.bench.run.ThroughputResult;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Topics;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.support.time.Time;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 15's encryption figures: agentlog's sink on one workload written twice, in clear and sealed as the edge seals it
 * with {@code --kek-file} (its data keys in a schema of their own), the runs alternating (off, on, off, on, ...): the
 * sink's CPU per event and rows/s with encryption off and on, in the same run. Prints the figures (docs/benchmarks.md
 * keeps them by hand).
 */
@Command(name = "encryption", mixinStandardHelpOptions = true,
        description = {"agentlog's sink on the same workload in clear and sealed (--kek-file), alternating runs; prints"
                + " the CPU per event and rows/s of each."})
final class EncryptionBenchCommand implements Callable<Integer> {
    static final String SEALED_PREFIX = "sealed";
    static final String KEYS_SCHEMA = "bench_keys";

    @Mixin
    BenchOptions options;

    @Option(names = "--repeat", defaultValue = "2", paramLabel = "N",
            description = "Runs of each, alternating (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() throws Exception {
        options.validate();
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverages();
        try (BenchEnvironment env = BenchEnvironment.start(options.dataDir, options.shape.partitions)) {
            LoadedLog plain = LogLoader.load(env.bootstrapServers(), options.shape.partitions, options.events,
                    options.shape.agents, options.shape.seed, false);
            Path kek = env.workDir("encryption").resolve("kek.json");
            Files.deleteIfExists(kek);
            KeyEncryptionKey.create(kek);
            env.freshSchema(KEYS_SCHEMA);
            PayloadCipher cipher = new PayloadCipher(new SubjectKeys(env.pool(), KEYS_SCHEMA, KeyEncryptionKey.load(kek),
                    Time.SYSTEM));
            EventCodec codec = EventCodec.standard();
            UnaryOperator<byte[]> seal = json -> {
                try {
                    return codec.encode(cipher.seal(codec.decode(json)));
                } catch (InvalidEventException e) {
                    throw new IllegalStateException("cannot seal a workload event: " + e.getMessage(), e);
                }
            };
            LoadedLog sealed = LogLoader.load(env.bootstrapServers(), options.shape.partitions, options.events,
                    options.shape.agents, options.shape.seed, false, 0, options.events, new Topics(SEALED_PREFIX), seal);

            int workers = options.sinkWorkers.get(0);
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "agentlog-bench encryption, %s, command: %s%n", started,
                    SinkCommand.command("encryption")));
            out.append(String.format(Locale.ROOT, "machine: %s; load before %s%n", Machine.current(), loadBefore));
            out.append(String.format(Locale.ROOT, "log: %,d events, %d partitions, %d agents; sink: %d worker(s),"
                    + " -Xmx%s %s, --batch-max-events %d%n", options.events, options.shape.partitions,
                    options.shape.agents, workers, options.sinkHeap, options.jvmOptions, options.batchMaxEvents));
            for (int i = 1; i <= repeat; i++) {
                AgentlogSinkRun.Settings off = new AgentlogSinkRun.Settings("bench_plain", "bench-plain-" + i, workers,
                        options.batchMaxEvents, options.sinkHeap, options.jvmOptionList(), false);
                out.append(line("off, run " + i, AgentlogSinkRun.run(env, plain, off)));
                AgentlogSinkRun.Settings on = new AgentlogSinkRun.Settings("bench_sealed", "bench-sealed-" + i, workers,
                        options.batchMaxEvents, options.sinkHeap, options.jvmOptionList(), false)
                        .sealed(SEALED_PREFIX, kek, KEYS_SCHEMA);
                out.append(line("on,  run " + i, AgentlogSinkRun.run(env, sealed, on)));
            }
            out.append(String.format(Locale.ROOT, "load after %s%n", Machine.loadAverages()));
            System.out.print(out);
            Path result = env.workDir("encryption").resolve("encryption.txt");
            Files.writeString(result, out.toString(), StandardCharsets.UTF_8);
            System.err.println("  figures: " + result.toAbsolutePath());
        }
        return 0;
    }

    private static String line(String what, ThroughputResult r) {
        return String.format(Locale.ROOT, "encryption %s: %,.0f events/s, %,.0f rows/s, %.1f us JVM CPU/event, %.1f us"
                + " worker-thread CPU/event, %.1f us PostgreSQL CPU/row; steady (from a third of the log on) %.1f us JVM,"
                + " %.1f us worker threads; %d collections, %,d ms%n", what, r.eventsPerSecond(), r.rowsPerSecond(),
                r.cpuMicrosPerEvent(), r.workerThreadCpuMicrosPerEvent(), r.postgresCpuMicrosPerRow(),
                r.steadyCpuMicrosPerEvent(), r.steadyWorkerThreadCpuMicrosPerEvent(), r.gcCount(), r.gcMillis());
    }
}
