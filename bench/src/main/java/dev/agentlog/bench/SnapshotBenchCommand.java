package dev.agentlog.bench;

import dev.agentlog.app.Main;
import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.measure.ProcStat;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.LoadedLog;
import dev.agentlog.bench.run.LogLoader;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.RebuildRun;
import dev.agentlog.bench.run.Tables;
import dev.agentlog.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 15's snapshot figures: on one log, {@code agentlog snapshot}'s time, and {@code agentlog rebuild} from the
 * snapshot and the tail after it against {@code agentlog rebuild --whole-log}, each the command itself as a process.
 * The log is made in two parts: the first ({@code --events} less {@code --tail-events}) is built into the tables (a
 * first build: rebuild without a live schema) and snapshotted; the tail is then appended and applied by
 * {@code agentlog sink}; both rebuilds then replay up to the same offsets. Prints the figures (docs/benchmarks.md keeps
 * them by hand).
 */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"agentlog snapshot's time, and rebuild from the snapshot + tail against rebuild of the whole log,"
                + " on one log; prints the figures."})
final class SnapshotBenchCommand implements Callable<Integer> {
    static final String SCHEMA = "bench_snap";
    static final String GROUP = "bench-snap-sink";

    @Mixin
    BenchOptions options;

    @Mixin
    RebuildOptions rebuildOptions;

    @Option(names = "--tail-events", defaultValue = "100000", paramLabel = "N",
            description = "Events appended after the snapshot (default: ${DEFAULT-VALUE}).")
    long tailEvents;

    @Override
    public Integer call() throws Exception {
        options.validate();
        long head = options.events - tailEvents;
        if (head <= 0 || tailEvents <= 0) {
            throw new IllegalArgumentException("--tail-events must be between 1 and --events - 1");
        }
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverages();
        List<String> jvm = options.jvmOptionList();
        try (BenchEnvironment env = BenchEnvironment.start(options.dataDir, options.shape.partitions)) {
            LoadedLog first = LogLoader.load(env.bootstrapServers(), options.shape.partitions, options.events,
                    options.shape.agents, options.shape.seed, false, 0, head);
            env.dropSchema(SCHEMA);
            RebuildFigures build = RebuildRun.run(env, SCHEMA, GROUP, head, rebuildOptions.rebuildWorkers,
                    rebuildOptions.rebuildBatchMaxEvents, jvm, List.of("--whole-log"));

            CommandRun snapshot = CommandRun.of(env, jvm, "snapshot", List.of("--group-id", GROUP));
            String streams = env.queryString("SELECT streams || ' streams, ' || pg_size_pretty(sum(octet_length(s.state)))"
                    + " FROM " + SCHEMA + ".snapshots n JOIN " + SCHEMA + ".snapshot_streams s USING (snapshot_id)"
                    + " GROUP BY streams");

            LoadedLog tail = LogLoader.load(env.bootstrapServers(), options.shape.partitions, options.events,
                    options.shape.agents, options.shape.seed, false, head, options.events);
            long total = first.events() + tail.events();
            CommandRun sink = CommandRun.until(env, jvm, "sink", List.of("--group-id", GROUP),
                    "SELECT coalesce(sum(next_offset), 0) FROM " + SCHEMA + ".sink_offsets", total);
            Map<String, Long> rows = Tables.rowCounts(env.pool(), SCHEMA);
            String digest = Tables.messagesDigest(env.pool(), SCHEMA);

            RebuildFigures fromSnapshot = RebuildRun.run(env, SCHEMA, GROUP, tailEvents, rebuildOptions.rebuildWorkers,
                    rebuildOptions.rebuildBatchMaxEvents, jvm, List.of("--drop-old"));
            boolean sameFromSnapshot = rows.equals(Tables.rowCounts(env.pool(), SCHEMA))
                    && digest.equals(Tables.messagesDigest(env.pool(), SCHEMA));
            RebuildFigures whole = RebuildRun.run(env, SCHEMA, GROUP, total, rebuildOptions.rebuildWorkers,
                    rebuildOptions.rebuildBatchMaxEvents, jvm, List.of("--whole-log", "--drop-old"));
            boolean sameWhole = rows.equals(Tables.rowCounts(env.pool(), SCHEMA))
                    && digest.equals(Tables.messagesDigest(env.pool(), SCHEMA));

            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "agentlog-bench snapshots, %s, command: %s%n", started, SinkCommand.command("snapshots")));
            out.append(String.format(Locale.ROOT, "machine: %s; load before %s, after %s%n", Machine.current(),
                    loadBefore, Machine.loadAverages()));
            out.append(String.format(Locale.ROOT, "log: %,d events (%,d, snapshot, then %,d more), %d partitions,"
                    + " %d agents%n", total, head, tailEvents, options.shape.partitions, options.shape.agents));
            out.append(String.format(Locale.ROOT, "first build of the first %,d (rebuild --whole-log, no live schema):"
                    + " %.1f s%n", head, build.replaySeconds()));
            out.append(String.format(Locale.ROOT, "agentlog snapshot: %.1f s wall, %.1f s CPU of its JVM, %.1f s CPU of"
                    + " PostgreSQL (%s); %s%n", snapshot.wallSeconds(), snapshot.cpuSeconds(), snapshot.postgresSeconds(),
                    streams, snapshot.lastLine()));
            out.append(String.format(Locale.ROOT, "agentlog sink of the tail: %.1f s%n", sink.wallSeconds()));
            out.append(line("rebuild from snapshot + tail", fromSnapshot, sameFromSnapshot));
            out.append(line("rebuild --whole-log", whole, sameWhole));
            System.out.print(out);
            Path result = env.workDir("snapshots").resolve("snapshots.txt");
            Files.writeString(result, out.toString(), StandardCharsets.UTF_8);
            System.err.println("  figures: " + result.toAbsolutePath());
        }
        return 0;
    }

    private static String line(String what, RebuildFigures f, boolean same) {
        return String.format(Locale.ROOT, "%s: %,d records in %.1f s replay + %.1f s swap, %.1f s wall; JVM %.1f s CPU,"
                + " PostgreSQL %.1f s CPU; tables %s%n", what, f.records(), f.replaySeconds(), f.swapSeconds(),
                f.wallSeconds(), f.jvmCpuSeconds(), f.postgresCpuSeconds(),
                same ? "the same as the sink's (row counts, messages digest)" : "DIFFERENT from the sink's");
    }

    /** One agentlog command as a process of its own on the bench's broker and PostgreSQL. */
    record CommandRun(double wallSeconds, double cpuSeconds, double postgresSeconds, String lastLine) {
        static CommandRun of(BenchEnvironment env, List<String> jvm, String command, List<String> options)
                throws Exception {
            return until(env, jvm, command, options, null, 0);
        }

        /** Runs it until it exits, or (a sink) until {@code doneSql} reaches {@code done}, then stops it. */
        static CommandRun until(BenchEnvironment env, List<String> jvm, String command, List<String> options,
                String doneSql, long done) throws Exception {
            env.checkpoint();
            Path work = env.workDir(command);
            List<String> args = new ArrayList<>();
            args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            args.addAll(jvm);
            args.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), command,
                    "--bootstrap-servers", env.bootstrapServers(), "--topic-prefix", Topics.DEFAULT.prefix(),
                    "--pg-url", env.postgres().jdbcUrl(), "--pg-user", env.postgres().user(), "--pg-schema", SCHEMA));
            args.addAll(options);
            long pg0 = env.postgresCpuNanos();
            long t0 = System.nanoTime();
            Process process = new ProcessBuilder(args).redirectError(work.resolve(command + ".log").toFile())
                    .redirectOutput(work.resolve(command + ".out").toFile()).start();
            long cpu = 0;
            while (process.isAlive()) {
                long now = ProcStat.cpuNanos(process.pid());
                if (now >= 0) {
                    cpu = now;
                }
                if (doneSql != null && env.queryLong(doneSql) >= done) {
                    break;
                }
                process.waitFor(100, TimeUnit.MILLISECONDS); // the poll interval of a wait for its exit or its work
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            long pg = env.postgresCpuNanos() - pg0;
            if (doneSql != null) {
                process.destroy();
                process.waitFor(60, TimeUnit.SECONDS);
            } else if (process.exitValue() != 0) {
                throw new IllegalStateException("agentlog " + command + " exited with " + process.exitValue() + "; see "
                        + work.resolve(command + ".log"));
            }
            List<String> out = Files.readAllLines(work.resolve(command + ".out"));
            return new CommandRun(wall, cpu / 1e9, pg / 1e9, out.isEmpty() ? "" : out.get(out.size() - 1));
        }
    }
}
