package dev.agentlog.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.PostgresTarget;
import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.report.GrowthReport;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.DiskUsage;
import dev.agentlog.bench.run.GrowthFigures;
import dev.agentlog.bench.run.LogLoader;
import dev.agentlog.bench.run.ProcessorInput.Variant;
import dev.agentlog.bench.run.ProcessorRun;
import dev.agentlog.bench.run.QueryRun;
import dev.agentlog.bench.run.QueryTargets;
import dev.agentlog.bench.run.QueryTimings;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.RebuildRun;
import dev.agentlog.events.Topics;
import dev.agentlog.query.AgentStates;
import dev.agentlog.query.StreamHistory;
import dev.agentlog.workload.LettaWorkload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 21's growth figures: one Letta-like log (the query fixtures whole in its first size) that grows from size to
 * size, measured at each on the same broker and PostgreSQL: {@code agentlog rebuild --whole-log} of the whole log so far
 * into a fresh schema; {@code state --at} and {@code history} on the tables it made (the same instants at every size);
 * the processor over the part of {@code events.in} appended since the previous size, one application whose RocksDB
 * state is kept from size to size (a deployment's processor meets growth that way: new events against stores holding
 * the old keys; and it reads 10M events in all, not 14M); and the disk the
 * log, the processor's topics and state and the tables take. Prints markdown tables (docs/benchmarks.md keeps them by
 * hand) and writes them under the data directory.
 */
@Command(name = "growth", mixinStandardHelpOptions = true,
        description = {"Rebuild, processor and query figures and the disk used, at growing sizes of one log (issue 21);"
                + " prints the figures. Minutes long at 10M events."})
final class GrowthCommand implements Callable<Integer> {
    static final String SCHEMA = "bench_growth";
    static final String GROUP = "bench-growth-sink";
    /** The processor's application id and the prefix of its topics (its own, apart from the log of record). */
    static final String PROCESSOR = "bench-growth";

    @Option(names = "--sizes", defaultValue = "1000000,3000000,10000000", split = ",", paramLabel = "N[,N...]",
            description = "Sizes of the log measured, ascending; the log is appended from one to the next (default:"
                    + " ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Mixin
    LogShapeOptions shape;

    @Mixin
    RebuildOptions rebuildOptions;

    @Option(names = "--samples", defaultValue = "300", paramLabel = "N",
            description = "In-process calls of each query at each size (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--processor", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Measure the processor too (default: on).")
    boolean processor;

    @Option(names = "--jvm-options", defaultValue = "-XX:+UseParallelGC", paramLabel = "OPTIONS",
            description = "JVM options of the rebuild's and the processor's JVMs, space-separated (default:"
                    + " ${DEFAULT-VALUE}).")
    String jvmOptions;

    @Option(names = "--data-dir", defaultValue = ".agentlog/bench-growth", paramLabel = "DIR",
            description = "Broker and PostgreSQL data, the processor's state, logs and the figures (work/growth/growth.md);"
                    + " emptied at the start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        validate();
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        String loadBefore = Machine.loadAverages();
        List<String> jvm = BenchOptions.jvmOptionList(jvmOptions);
        long total = sizes.get(sizes.size() - 1);
        UnaryOperator<LettaWorkload> fixtures = w -> w.withQueryFixtures(sizes.get(0));
        List<GrowthFigures> measured = new ArrayList<>();
        List<String> timeline = new ArrayList<>();
        try (BenchEnvironment env = BenchEnvironment.start(dataDir, shape.partitions)) {
            Topics processorTopics = new Topics(PROCESSOR);
            Path processorDir = env.workDir("processor");
            Files.createDirectories(processorDir.resolve("logs"));
            ProcessorRun.Options processorOptions = new ProcessorRun.Options(processorDir, shape.partitions, total,
                    shape.agents, shape.seed, 1, List.of(Variant.CLEAN), 0, false, jvm, false, 0, 300_000, List.of());
            Instant queryEnd = null;
            long previous = 0;
            for (long size : sizes) {
                long t0 = System.nanoTime();
                LogLoader.load(env.bootstrapServers(), shape.partitions, total, shape.agents, shape.seed, false,
                        previous, size, Topics.DEFAULT, UnaryOperator.identity(), fixtures);
                long t1 = System.nanoTime();
                env.dropSchema(SCHEMA);
                RebuildFigures rebuild = RebuildRun.run(env, SCHEMA, GROUP, size, rebuildOptions.rebuildWorkers,
                        rebuildOptions.rebuildBatchMaxEvents, jvm, List.of("--whole-log"));
                env.vacuum(SCHEMA);
                QueryTargets.checkFixtures(env, SCHEMA);
                long t2 = System.nanoTime();
                if (queryEnd == null) {
                    queryEnd = env.queryTimestamp("SELECT max(occurred_at) FROM " + SCHEMA + ".events");
                }
                List<QueryTimings> queries = queries(env, queryEnd);
                long t3 = System.nanoTime();
                ProcessorRun.Round round = null;
                if (processor) {
                    LogLoader.loadInput(env.bootstrapServers(), shape.partitions, total, shape.agents, shape.seed,
                            previous, size, processorTopics, GrowthCommand::withoutStreamSeq, fixtures);
                    round = ProcessorRun.drain(env.bootstrapServers(), processorDir, processorOptions, PROCESSOR,
                            PROCESSOR + "-" + size, Variant.CLEAN, measured.size() + 1, previous, size, jvm, null);
                }
                long t4 = System.nanoTime();
                measured.add(new GrowthFigures(size, rebuild, queries, round, previous, disk(env, processorDir)));
                timeline.add(String.format(Locale.ROOT, "- %,d events: log appended %.0f s, rebuild and vacuum %.0f s,"
                        + " queries %.0f s, processor's input and run %.0f s", size, secs(t1 - t0), secs(t2 - t1),
                        secs(t3 - t2), secs(t4 - t3)));
                System.err.println("  growth " + timeline.get(timeline.size() - 1).substring(2));
                previous = size;
            }
            String report = report(startedAt, loadBefore, started, measured, timeline);
            System.out.print(report);
            Path result = env.workDir("growth").resolve("growth.md");
            Files.writeString(result, report, StandardCharsets.UTF_8);
            System.err.println("  figures: " + result.toAbsolutePath());
        }
        return 0;
    }

    private void validate() {
        if (sizes.isEmpty() || sizes.get(0) < 1000) {
            throw new IllegalArgumentException("--sizes must name one or more sizes of at least 1000 events");
        }
        for (int i = 1; i < sizes.size(); i++) {
            if (sizes.get(i) <= sizes.get(i - 1)) {
                throw new IllegalArgumentException("--sizes must be ascending, was " + sizes);
            }
        }
        if (samples < 10 || shape.partitions < 1) {
            throw new IllegalArgumentException("--samples must be >= 10 and --partitions >= 1");
        }
        // the workload's own checks (agents, the fixtures' room in the first size), before anything starts
        new LettaWorkload(shape.seed, sizes.get(sizes.size() - 1), shape.agents).withQueryFixtures(sizes.get(0));
    }

    /**
     * Each query at its instants, as {@code queries} asks them in-process, on a pool of this size's tables. The shared
     * block's history is left out: its versions grow with the log, so it is not the same question at every size.
     */
    private List<QueryTimings> queries(BenchEnvironment env, Instant end) throws Exception {
        List<QueryTimings> out = new ArrayList<>();
        try (HikariDataSource pool = Database.pool(PostgresTarget.direct(env.postgres().jdbcUrl(),
                env.postgres().user(), env.postgres().password()), 2, "bench-growth", true)) {
            AgentStates states = new AgentStates(pool, SCHEMA);
            StreamHistory histories = new StreamHistory(pool, SCHEMA);
            List<QueryTargets.Target> targets = QueryTargets.of(env, SCHEMA, shape.seed, shape.agents, samples, end)
                    .stream().filter(t -> !t.streamId().equals(QueryTargets.SHARED_BLOCK)).toList();
            QueryTargets.warmUp(env, shape.seed, states, histories, targets);
            for (QueryTargets.Target t : targets) {
                out.add(QueryRun.time(t.what(), env, t.instants(), t.inProcess(states, histories)));
            }
        }
        return out;
    }

    private GrowthFigures.Disk disk(BenchEnvironment env, Path processorDir) throws Exception {
        Path logs = DiskUsage.brokerLogDir(env);
        Topics p = new Topics(PROCESSOR);
        return new GrowthFigures.Disk(DiskUsage.topicBytes(logs, Topics.DEFAULT.events()),
                DiskUsage.topicBytes(logs, p.in()), DiskUsage.topicBytes(logs, p.events()),
                DiskUsage.topicBytes(logs, t -> t.startsWith(PROCESSOR + "-") && t.endsWith("-changelog")),
                DiskUsage.allocatedBytes(List.of(processorDir.resolve("state").resolve(PROCESSOR))),
                DiskUsage.tableBytes(env, SCHEMA));
    }

    /** The processor's input as sent without stream_seq (the processor assigns it), as the processor bench's default. */
    private static byte[] withoutStreamSeq(byte[] json) {
        try {
            return ProcessorRun.withoutStreamSeq(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String report(Instant startedAt, String loadBefore, long started, List<GrowthFigures> measured,
            List<String> timeline) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "agentlog-bench growth, %s, command: %s%n", startedAt,
                SinkCommand.command("growth")));
        out.append(String.format(Locale.ROOT, "machine: %s; load before %s, after %s%n", Machine.current(), loadBefore,
                Machine.loadAverages()));
        out.append(String.format(Locale.ROOT, "log: the Letta-like log of %,d events, %d partitions, %d agents, seed %d,"
                + " the query fixtures whole in the first %,d; rebuild workers %d; JVMs %s%n", sizes.get(sizes.size() - 1),
                shape.partitions, shape.agents, shape.seed, sizes.get(0), rebuildOptions.rebuildWorkers, jvmOptions));
        out.append(String.format(Locale.ROOT, "total time of the command: %.1f min%n", secs(System.nanoTime() - started) / 60));
        timeline.forEach(t -> out.append(t).append('\n'));
        out.append('\n').append(GrowthReport.markdown(measured));
        return out.toString();
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }
}
