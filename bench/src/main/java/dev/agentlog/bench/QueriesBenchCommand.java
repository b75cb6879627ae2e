package dev.agentlog.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.PostgresTarget;
import dev.agentlog.bench.child.IngestProcess;
import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.report.JfrSummary;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.LogLoader;
import dev.agentlog.bench.run.QueryRun;
import dev.agentlog.bench.run.QueryTargets;
import dev.agentlog.bench.run.QueryTargets.Target;
import dev.agentlog.bench.run.QueryTimings;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.RebuildRun;
import dev.agentlog.events.Topics;
import dev.agentlog.query.AgentStates;
import dev.agentlog.query.StreamHistory;
import dev.agentlog.workload.LettaWorkload;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 21's query figures: {@code state --at} and {@code history} on a large log. The Letta-like log with
 * {@link dev.agentlog.workload.QueryFixtures} (agents of 10, 1,000 and 10,000 messages, a block of 1,000 versions) is built into the tables
 * ({@code agentlog rebuild --whole-log}, a process of its own); then the query classes the HTTP API and the CLI use
 * ({@link AgentStates#at}, {@link StreamHistory#of}) are called in this JVM over a connection pool, one call after the
 * other, each answer turned into the JSON the API sends, at instants drawn with the log's seed; and a few of the same
 * calls go through the real route ({@code agentlog ingest --pg-url}, a process of its own) to show what HTTP adds.
 * Prints a markdown table (docs/benchmarks.md keeps it by hand) and, with {@code --profile}, where the JVM's time went.
 */
@Command(name = "queries", mixinStandardHelpOptions = true,
        description = {"state --at and history on a large log (issue 21): p50/p99/max in-process and over HTTP; prints"
                + " the figures."})
final class QueriesBenchCommand implements Callable<Integer> {
    static final String SCHEMA = "bench_queries";
    static final String GROUP = "bench-queries-sink";
    private static final double STATE_TARGET_MS = 20;
    private static final double HISTORY_TARGET_MS = 50;

    @Mixin
    BenchOptions options;

    @Mixin
    RebuildOptions rebuildOptions;

    @Option(names = "--samples", defaultValue = "300", paramLabel = "N",
            description = "In-process calls of each query (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--http-samples", defaultValue = "30", paramLabel = "N",
            description = "Calls of each query through the HTTP route (default: ${DEFAULT-VALUE}).")
    int httpSamples;

    @Option(names = "--reference", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also time the reference readings (a past state's blocks and archives one statement at a time,"
                    + " every block version for a history page: the code before issue 21's fast paths) side by side with"
                    + " today's, call for call, so that both share the machine's load (default: on).")
    boolean reference;

    @Option(names = "--hold-seconds", defaultValue = "0", paramLabel = "S",
            description = "Keep PostgreSQL running this long after the figures (for EXPLAIN ANALYZE by hand; default:"
                    + " ${DEFAULT-VALUE}).")
    int holdSeconds;

    @Override
    public Integer call() throws Exception {
        options.validate();
        if (samples < 10 || httpSamples < 1) {
            throw new IllegalArgumentException("--samples must be >= 10 and --http-samples >= 1");
        }
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverages();
        try (BenchEnvironment env = BenchEnvironment.start(options.dataDir, options.shape.partitions)) {
            LogLoader.load(env.bootstrapServers(), options.shape.partitions, options.events, options.shape.agents,
                    options.shape.seed, false, 0, options.events, Topics.DEFAULT,
                    java.util.function.UnaryOperator.identity(), LettaWorkload::withQueryFixtures);
            env.dropSchema(SCHEMA);
            RebuildFigures build = RebuildRun.run(env, SCHEMA, GROUP, options.events, rebuildOptions.rebuildWorkers,
                    rebuildOptions.rebuildBatchMaxEvents, options.jvmOptionList(), List.of("--whole-log"));
            env.vacuum(SCHEMA);
            QueryTargets.checkFixtures(env, SCHEMA);
            String loadMeasured = Machine.loadAverages();

            List<QueryTimings> inProcess = new ArrayList<>();
            List<QueryTimings> http = new ArrayList<>();
            List<QueryTimings> sideBySide = new ArrayList<>();
            JfrSummary profile;
            try (HikariDataSource pool = Database.pool(PostgresTarget.direct(env.postgres().jdbcUrl(),
                    env.postgres().user(), env.postgres().password()), 2, "bench-queries", true)) {
                AgentStates states = new AgentStates(pool, SCHEMA);
                StreamHistory histories = new StreamHistory(pool, SCHEMA);
                Instant end = env.queryTimestamp("SELECT max(occurred_at) FROM " + SCHEMA + ".events");
                List<Target> targets = QueryTargets.of(env, SCHEMA, options.shape.seed, options.shape.agents, samples,
                        end);
                QueryTargets.warmUp(env, options.shape.seed, states, histories, targets);
                Path recording = env.workDir("queries").resolve("queries.jfr");
                Instant profiledFrom = Instant.now();
                try (Recording jfr = options.profile ? profiler() : null) {
                    for (Target t : targets) {
                        inProcess.add(QueryRun.time(t.what(), env, t.instants(), t.inProcess(states, histories)));
                    }
                    if (jfr != null) {
                        jfr.stop();
                        jfr.dump(recording);
                    }
                }
                profile = options.profile ? JfrSummary.of(recording, "main"::equals, null, profiledFrom, Instant.now(),
                        12, "dev.agentlog.") : null;
                if (reference) {
                    AgentStates oneByOne = new AgentStates(pool, SCHEMA).readingOneByOne();
                    StreamHistory everyVersion = new StreamHistory(pool, SCHEMA).readingEveryVersion();
                    for (Target t : targets) {
                        sideBySide.addAll(List.of(QueryRun.timeSideBySide(t.what() + ", now", t.what() + ", before",
                                env, t.instants(), t.inProcess(states, histories), t.inProcess(oneByOne, everyVersion))));
                    }
                }
                String apiKey = UUID.randomUUID().toString();
                try (IngestProcess ingest = IngestProcess.startFromClasspath("queries", options.jvmOptionList(),
                        List.of("--bootstrap-servers", env.bootstrapServers(), "--topic-prefix", Topics.DEFAULT.prefix(),
                                "--http-host", "127.0.0.1", "--http-port", "0", "--api-keys", "bench:" + apiKey,
                                "--pg-url", env.postgres().jdbcUrl(), "--pg-user", env.postgres().user(),
                                "--pg-schema", SCHEMA), env.workDir("queries").resolve("ingest.log"))) {
                    HttpClient client = QueryRun.client();
                    for (Target t : targets) {
                        QueryRun.Call call = QueryRun.get(client, ingest.port(), apiKey, t::path);
                        QueryRun.time(t.what(), env, t.instants().subList(0, Math.min(5, httpSamples)), call); // warm-up
                        http.add(QueryRun.time(t.what() + ", HTTP", env, t.instants().subList(0, httpSamples), call));
                    }
                }
            }
            String report = report(started, loadBefore, loadMeasured, build, inProcess, http, sideBySide, profile);
            System.out.print(report);
            Path result = env.workDir("queries").resolve("queries.md");
            Files.writeString(result, report, StandardCharsets.UTF_8);
            System.err.println("  figures: " + result.toAbsolutePath());
            hold(env);
        }
        return 0;
    }

    private static Recording profiler() throws Exception {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.start();
        return recording;
    }

    private String report(Instant started, String loadBefore, String loadMeasured, RebuildFigures build,
            List<QueryTimings> inProcess, List<QueryTimings> http, List<QueryTimings> sideBySide, JfrSummary profile) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "agentlog-bench queries, %s, command: %s%n", started,
                SinkCommand.command("queries")));
        out.append(String.format(Locale.ROOT, "machine: %s; load before %s, when the queries began %s, after %s%n",
                Machine.current(), loadBefore, loadMeasured, Machine.loadAverages()));
        out.append(String.format(Locale.ROOT, "log: %,d events, %d partitions, %d agents and the query fixtures, seed %d;"
                + " built by rebuild --whole-log in %.1f s%n%n", options.events, options.shape.partitions,
                options.shape.agents, options.shape.seed, build.replaySeconds()));
        out.append("In-process (AgentStates.at / StreamHistory.of and the answer's JSON, a pool of 2 connections, one call"
                + " after the other):\n\n").append(QueryTimings.header()).append('\n');
        for (QueryTimings t : inProcess) {
            double target = t.what().startsWith("`state --at`, agent of") ? STATE_TARGET_MS
                    : t.what().contains("block of 1,000 versions") ? HISTORY_TARGET_MS : Double.NaN;
            out.append(t.row(target)).append('\n');
        }
        out.append("\nThrough the HTTP route (`agentlog ingest --pg-url`, its own JVM; CPU: the bench JVM's, the client's):\n\n")
                .append(QueryTimings.header()).append('\n');
        http.forEach(t -> out.append(t.row(Double.NaN)).append('\n'));
        if (!sideBySide.isEmpty()) {
            out.append("\nToday's readings and the reference readings (before issue 21's fast paths), in-process, call for"
                    + " call alternating:\n\n").append(QueryTimings.header()).append('\n');
            sideBySide.forEach(t -> out.append(t.row(Double.NaN)).append('\n'));
        }
        if (profile != null) {
            out.append(String.format(Locale.ROOT, "%nJFR, the calling thread, in-process calls (%,d samples):%n",
                    profile.samples()));
            profile.byArea().forEach(s -> out.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", s.percent(), s.name())));
            out.append("first agentlog frame:\n");
            profile.topOwn().forEach(s -> out.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", s.percent(), s.name())));
            out.append("top of stack:\n");
            profile.topSelf().forEach(s -> out.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n", s.percent(), s.name())));
        }
        return out.toString();
    }

    private void hold(BenchEnvironment env) throws InterruptedException {
        if (holdSeconds > 0) {
            System.err.printf(Locale.ROOT, "  PostgreSQL stays up %d s: %s (schema %s)%n", holdSeconds,
                    env.postgres().jdbcUrl(), SCHEMA);
            Thread.sleep(holdSeconds * 1000L); // the operator's window for EXPLAIN ANALYZE, as asked by --hold-seconds
        }
    }
}
