package dev.agentlog.app.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.workload.LettaSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not a test: the restore benchmark of docs/benchmarks.md. Writes the log of one captured Letta agent straight into an
 * {@code events} table (as the sink stores it: 10,000 messages, one block through 1,000 versions, 1,000 passages with
 * 4,096-number embeddings as Letta pads them, every Letta column as the capture carries it), then times
 * {@code agentlog letta restore} (the command, in-process: read the log, fold, write one transaction) into a fresh
 * Letta database, several times. Run:
 * {@code mvn -o -pl app -am verify -Dtest=LettaRestoreBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dagentlog.benchmark=true} and read app/target/restore-benchmark.txt.
 */
@EnabledIfSystemProperty(named = "agentlog.benchmark", matches = "true")
class LettaRestoreBenchmark {
    private static final Logger log = LoggerFactory.getLogger(LettaRestoreBenchmark.class);
    private static final String SCHEMA = "restorebench";
    private static final String AGENT = "agent-00000000-0000-4000-8000-00000000be01";
    private static final String BLOCK = "block-00000000-0000-4000-8000-00000000be01";
    private static final String ARCHIVE = "archive-00000000-0000-4000-8000-00000000be01";
    private static final String ORG = "org-00000000-0000-4000-8000-00000000be01";
    private static final int MESSAGES = 10_000;
    private static final int VERSIONS = 1_000;
    private static final int PASSAGES = 1_000;
    private static final int RUNS = Integer.getInteger("agentlog.benchmark.runs", 5);

    @Test
    void measureRestore() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        try (HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(),
                runtime.postgres.password(), 2, SCHEMA)) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
            SchemaMigrator.migrate(pool, SCHEMA);
            writeLog(pool);
            List<Long> millis = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            for (int run = 1; run <= RUNS; run++) {
                String database = "restorebench_" + run;
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + database);
                    s.execute("CREATE DATABASE " + database);
                }
                String url = "jdbc:postgresql://127.0.0.1:" + runtime.postgres.port() + "/" + database;
                try (HikariDataSource target = Database.pool(url, runtime.postgres.user(), runtime.postgres.password(), 1,
                        database)) {
                    try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
                        s.execute(LettaSchema.ddl());
                    }
                    long start = System.nanoTime();
                    CliRun restore = CliRun.of("letta", "restore", AGENT, "--at", "2026-12-31T00:00:00Z",
                            "--target-pg-url", url, "--target-pg-user", runtime.postgres.user(), "--target-pg-password",
                            runtime.postgres.password(), "--pg-url", runtime.postgres.jdbcUrl(), "--pg-user",
                            runtime.postgres.user(), "--pg-password", runtime.postgres.password(), "--pg-schema", SCHEMA);
                    millis.add((System.nanoTime() - start) / 1_000_000);
                    outputs.add("run " + run + ": " + restore.out().trim());
                    assertThat(restore.exitCode()).as(restore.err() + restore.out()).isZero();
                    assertThat(Rows.of(target, "SELECT (SELECT count(*) FROM messages) || ' ' || (SELECT version FROM "
                            + "block) || ' ' || (SELECT count(*) FROM archival_passages) || ' ' || (SELECT "
                            + "array_length(embedding, 1) FROM archival_passages LIMIT 1)"))
                            .containsExactly(MESSAGES + " " + VERSIONS + " " + PASSAGES + " 4096");
                }
            }
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            String figures = String.format("letta restore of one agent (%,d messages, one block at version %,d, %,d "
                    + "passages of 4,096 numbers), %d runs, %d cores, %s: %s ms each; median %d ms%n", MESSAGES, VERSIONS,
                    PASSAGES, RUNS, Runtime.getRuntime().availableProcessors(), LocalDate.now(), millis,
                    sorted.get(sorted.size() / 2));
            Files.writeString(Path.of("target", "restore-benchmark.txt"), figures + String.join("\n", outputs) + "\n");
            log.info("{}", figures.trim());
        }
    }

    /** The agent's log as the sink stores captured events: payloads with every Letta column. */
    private static void writeLog(HikariDataSource pool) throws Exception {
        String t0 = "timestamptz '2026-12-01 00:00:00+00'";
        String bookkeeping = "'organization_id', '" + ORG + "', '_created_by_id', 'user-bench', '_last_updated_by_id', "
                + "'user-bench', 'is_deleted', false";
        String insert = "INSERT INTO " + SCHEMA + ".events (event_id, stream_id, stream_seq, type, schema_version, "
                + "organization_id, occurred_at, source, payload) ";
        List<String> statements = List.of(
                insert + "VALUES (gen_random_uuid()::text, 'organizations:" + ORG + "', 1, 'row.changed', 1, '" + ORG
                        + "', " + t0 + ", 'cdc:letta', jsonb_build_object('table', 'organizations', 'op', 'c', 'after', "
                        + "jsonb_build_object('id', '" + ORG + "', 'name', 'bench', 'created_at', '2026-12-01T00:00:00Z', "
                        + "'updated_at', '2026-12-01T00:00:00Z', 'is_deleted', false, 'privileged_tools', false)))",
                insert + "VALUES (gen_random_uuid()::text, '" + AGENT + "', 1, 'agent.created', 1, '" + ORG + "', " + t0
                        + ", 'cdc:letta', jsonb_build_object('name', 'bench', 'agent_type', 'memgpt_v2_agent', 'system', "
                        + "'You are bench.', 'llm_config', jsonb_build_object('model', 'gpt-4o-mini', 'context_window', "
                        + "128000), 'embedding_config', jsonb_build_object('embedding_model', 'text-embedding-3-small', "
                        + "'embedding_dim', 1536), 'tool_rules', '[]'::jsonb, 'metadata', '{}'::jsonb, "
                        + "'message_buffer_autoclear', false, 'created_at', '2026-12-01T00:00:00Z', 'updated_at', "
                        + "'2026-12-01T00:00:00Z', " + bookkeeping + "))",
                insert + "SELECT gen_random_uuid()::text, '" + AGENT + "', 1 + g, 'message.created', 2, '" + ORG + "', "
                        + t0 + " + g * interval '1 ms', 'cdc:letta', jsonb_build_object('message_id', 'message-' || "
                        + "md5(g::text)::uuid, 'role', (ARRAY['user', 'assistant', 'tool'])[1 + g % 3], 'content', "
                        + "jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Message ' || g || ' of the bench "
                        + "agent, with a few words of text to carry, as a turn of a conversation would.')), 'tool_calls', "
                        + "'[]'::jsonb, 'source_sequence', g, 'created_at', to_char((" + t0 + " + g * interval '1 ms') AT "
                        + "TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'updated_at', '2026-12-01T01:00:00Z', "
                        + "'model', 'gpt-4o-mini', " + bookkeeping + ") FROM generate_series(1, " + MESSAGES + ") g",
                insert + "VALUES (gen_random_uuid()::text, '" + AGENT + "', " + (MESSAGES + 2) + ", 'context.updated', 1, '"
                        + ORG + "', " + t0 + " + interval '1 hour', 'cdc:letta', jsonb_build_object('message_ids', (SELECT "
                        + "jsonb_agg('message-' || md5(g::text)::uuid ORDER BY g) FROM generate_series(" + (MESSAGES - 99)
                        + ", " + MESSAGES + ") g)))",
                insert + "VALUES (gen_random_uuid()::text, '" + AGENT + "', " + (MESSAGES + 3) + ", 'block.attached', 1, '"
                        + ORG + "', " + t0 + ", 'cdc:letta', jsonb_build_object('block_id', '" + BLOCK + "', 'label', "
                        + "'human')), (gen_random_uuid()::text, '" + AGENT + "', " + (MESSAGES + 4) + ", 'archive.attached', "
                        + "1, '" + ORG + "', " + t0 + ", 'cdc:letta', jsonb_build_object('archive_id', '" + ARCHIVE + "', "
                        + "'is_owner', true, 'created_at', '2026-12-01T00:00:00Z'))",
                insert + "VALUES (gen_random_uuid()::text, '" + BLOCK + "', 1, 'block.created', 1, '" + ORG + "', " + t0
                        + ", 'cdc:letta', jsonb_build_object('label', 'human', 'value', 'Version 1', 'limit', 100000, "
                        + "'read_only', false, 'is_template', false, 'created_at', '2026-12-01T00:00:00Z', 'updated_at', "
                        + "'2026-12-01T00:00:00Z', " + bookkeeping + "))",
                insert + "SELECT gen_random_uuid()::text, '" + BLOCK + "', g, 'block.updated', 1, '" + ORG + "', " + t0
                        + " + g * interval '1 s', 'cdc:letta', jsonb_build_object('value', 'Version ' || g || ': the human "
                        + "prefers tea, lives by the sea, and keeps a memory that grows a little each time.', 'version', g, "
                        + "'updated_at', '2026-12-01T00:00:00Z') FROM generate_series(2, " + VERSIONS + ") g",
                insert + "VALUES (gen_random_uuid()::text, '" + ARCHIVE + "', 1, 'archive.created', 1, '" + ORG + "', "
                        + t0 + ", 'cdc:letta', jsonb_build_object('name', 'bench-archive', 'embedding_config', "
                        + "jsonb_build_object('embedding_model', 'text-embedding-3-small'), 'vector_db_provider', 'NATIVE', "
                        + "'created_at', '2026-12-01T00:00:00Z', 'updated_at', '2026-12-01T00:00:00Z', " + bookkeeping + "))",
                insert + "SELECT gen_random_uuid()::text, '" + ARCHIVE + "', 1 + g, 'passage.inserted', 1, '" + ORG
                        + "', " + t0 + " + g * interval '1 s', 'cdc:letta', jsonb_build_object('passage_id', 'passage-' || "
                        + "md5('p' || g)::uuid, 'text', 'Passage ' || g || ' of archival memory.', 'tags', '[]'::jsonb, "
                        + "'metadata', '{}'::jsonb, 'embedding', (SELECT jsonb_agg(CASE WHEN d <= 1536 THEN "
                        + "round((random() - 0.5)::numeric, 6) ELSE 0 END ORDER BY d) FROM generate_series(1, 4096) d "
                        + "WHERE g > 0), 'embedding_model', 'text-embedding-3-small', 'created_at', "
                        + "'2026-12-01T00:00:00Z', 'embedding_config', jsonb_build_object('embedding_model', "
                        + "'text-embedding-3-small'), 'letta_tags', '[]'::jsonb, 'passage_tags', '[]'::jsonb, "
                        + "'updated_at', '2026-12-01T00:00:00Z', " + bookkeeping + ") FROM generate_series(1, " + PASSAGES
                        + ") g");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
            s.execute("ANALYZE " + SCHEMA + ".events");
        }
    }
}
