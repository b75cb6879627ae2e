package dev.agentlog.app.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.workload.LettaSchema;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sampled instants of a captured Letta source, with the agents' rows at each read from the source then; and the
 * check that {@code agentlog letta restore} of those agents at that instant into a fresh Letta database gives the
 * same rows back, table by table.
 */
final class LettaRestoreSamples {
    /** Sampled instant to the agents that existed then. */
    final Map<String, List<String>> agentsAt = new LinkedHashMap<>();
    /** Sampled instant to the agents' rows then. */
    final Map<String, Map<String, List<String>>> sourceAt = new LinkedHashMap<>();
    private final LettaSource source;
    String last;

    LettaRestoreSamples(LettaSource source) {
        this.source = source;
    }

    /** Records the instant (after the last commit) and the rows the agents have in the source then. */
    void sample(LettaWriter.Agent... agents) throws Exception {
        String at = Rows.of(source.letta, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").get(0);
        List<String> ids = Arrays.stream(agents).map(a -> a.id).toList();
        agentsAt.put(at, ids);
        sourceAt.put(at, LettaAgentRows.of(source.letta, ids));
        last = at;
        // the next commit must come after the instant: the clock moves on before the writer goes on
        Await.until("the source clock to pass " + at, LettaMirror.TIMEOUT, () -> Rows.of(source.letta,
                "SELECT clock_timestamp() > '" + at + "'::timestamptz").get(0), "t"::equals);
    }

    int index(String at) {
        return new ArrayList<>(sourceAt.keySet()).indexOf(at) + 1;
    }

    /** Restores every agent of the instant into a fresh database, in sampling order, and compares table by table. */
    void assertRestored(String at, String database) throws Exception {
        HikariDataSource target = freshLetta(database);
        try (target) {
            for (String agentId : agentsAt.get(at)) {
                CliRun run = restore(agentId, at, database);
                assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
            }
            Map<String, List<String>> expected = sourceAt.get(at);
            Map<String, List<String>> restored = LettaAgentRows.of(target, agentsAt.get(at));
            for (String table : expected.keySet()) {
                assertThat(restored.get(table)).as("%s at %s into %s", table, at, database)
                        .isEqualTo(expected.get(table));
            }
            assertThat(LettaAgentRows.counts(target)).as("nothing else in %s", database)
                    .isEqualTo(LettaAgentRows.sizes(expected));
        }
    }

    CliRun restore(String agentId, String at, String database, String... extra) {
        TestRuntime runtime = TestRuntime.get();
        List<String> args = new ArrayList<>(List.of("letta", "restore", agentId, "--at", at, "--target-pg-url",
                "jdbc:postgresql://127.0.0.1:" + runtime.postgres.port() + "/" + database, "--target-pg-user",
                runtime.postgres.user(), "--target-pg-password", runtime.postgres.password()));
        args.addAll(List.of(extra));
        return CliRun.of(pgArgs(args.toArray(String[]::new)));
    }

    /** The command with the options that point at the source's log (its projections' schema). */
    String[] pgArgs(String... command) {
        TestRuntime runtime = TestRuntime.get();
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", runtime.postgres.user(),
                "--pg-password", runtime.postgres.password(), "--pg-schema", source.name));
        return args.toArray(String[]::new);
    }

    /** A new database with Letta's final schema. */
    HikariDataSource freshLetta(String database) throws Exception {
        try (Connection c = source.projections.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
        }
        HikariDataSource pool = pool(database);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(LettaSchema.ddl());
        }
        return pool;
    }

    static HikariDataSource pool(String database) {
        TestRuntime runtime = TestRuntime.get();
        return Database.pool("jdbc:postgresql://127.0.0.1:" + runtime.postgres.port() + "/" + database,
                runtime.postgres.user(), runtime.postgres.password(), 2, database);
    }
}
