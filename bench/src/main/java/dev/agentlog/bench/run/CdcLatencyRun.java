package dev.agentlog.bench.run;

import dev.agentlog.events.Topics;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.cdc.SourceSetup;
import dev.agentlog.workload.LettaSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Source-commit-to-row latency through change-data capture: a Letta-shaped database in the same PostgreSQL cluster
 * ({@code letta_bench}), {@link LettaCdc} with its defaults publishing to the latency run's {@code .events.in}, the
 * processor and sink of the latency run carrying the events on. Messages are inserted one per transaction at a fixed
 * rate; a message's latency runs from its commit's return to the first poll (every 5 ms) that finds its row in the
 * sink's {@code messages}.
 */
final class CdcLatencyRun {
    private static final String DATABASE = "letta_bench";
    private static final String ORGANIZATION = "org-bench";
    private static final String AGENT = "agent-cdc-bench";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private CdcLatencyRun() {}

    static CdcFigures run(BenchEnvironment env, Topics topics, String sinkSchema, int perSecond, int seconds)
            throws Exception {
        env.execute("DROP DATABASE IF EXISTS " + DATABASE);
        env.execute("CREATE DATABASE " + DATABASE);
        String url = env.postgres().jdbcUrl().replaceFirst("/[^/]*$", "/" + DATABASE);
        Properties credentials = new Properties();
        credentials.setProperty("user", env.postgres().user());
        try (Connection source = DriverManager.getConnection(url, credentials)) {
            try (Statement s = source.createStatement()) {
                s.execute(LettaSchema.ddl());
                s.execute("INSERT INTO organizations (id, name) VALUES ('" + ORGANIZATION + "', 'bench')");
                s.execute("INSERT INTO agents (id, organization_id, agent_type, name, system) VALUES ('" + AGENT + "', '"
                        + ORGANIZATION + "', 'memgpt_v2_agent', 'cdc bench', 'You are a bench.')");
            }
            CdcSettings settings = CdcSettings.defaults(url).withCredentials(env.postgres().user(), null)
                    .withSlot("bench_cdc", "bench_cdc").withDropSlotOnStop(true);
            // The recommended set-up (docs/cdc.md), as `agentlog cdc --setup --yes` runs it: replica identities
            // (FULL on the typed tables, so every change of messages carries its whole row), heartbeat, publication.
            SourceSetup setup = new SourceSetup(settings);
            setup.apply(setup.setupStatements());
            Progress progress = new Progress(String.format(Locale.ROOT, "CDC latency at %d commits/s", perSecond),
                    (long) perSecond * seconds, "commits");
            try (EventPublisher publisher = new EventPublisher(env.bootstrapServers(), topics, PublisherSettings.DEFAULT,
                    Map.of()); LettaCdc cdc = new LettaCdc(settings, publisher, new SimpleMeterRegistry()).start()) {
                awaitAgent(env, sinkSchema);
                return measure(env, source, sinkSchema, perSecond, seconds, progress);
            }
        } finally {
            try {
                env.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            } catch (Exception e) {
                // the source database is the bench's own and goes with the run's data directory anyway
            }
        }
    }

    /** The snapshot is through when the agent it read has reached the sink's tables. */
    private static void awaitAgent(BenchEnvironment env, String sinkSchema) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (env.queryLong("SELECT count(*) FROM " + sinkSchema + ".agents WHERE agent_id = '" + AGENT + "'") == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("change-data capture did not bring the source's agent " + AGENT + " to "
                        + sinkSchema + ".agents within 180 s");
            }
            Thread.sleep(100); // poll interval of a bounded wait on a condition
        }
    }

    private static CdcFigures measure(BenchEnvironment env, Connection source, String sinkSchema, int perSecond,
            int seconds, Progress progress) throws Exception {
        int total = perSecond * seconds;
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        Map<String, Long> committed = new LinkedHashMap<>();
        List<Long> latencies = new ArrayList<>();
        Random random = new Random(11);
        source.setAutoCommit(true);
        try (PreparedStatement insert = source.prepareStatement("INSERT INTO messages (id, organization_id, agent_id, role,"
                + " content) VALUES (?, ?, ?, 'user', ?::json)");
             Connection sink = env.pool().getConnection();
             PreparedStatement visible = sink.prepareStatement("SELECT message_id FROM " + sinkSchema
                     + ".messages WHERE message_id = ANY(?)")) {
            long start = System.nanoTime();
            long nextPoll = start;
            int sent = 0;
            long deadline = start + TimeUnit.SECONDS.toNanos(seconds + 60L);
            while ((sent < total || !committed.isEmpty()) && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (sent < total && now >= start + sent * interval) {
                    String id = "message-cdc-" + sent;
                    insert.setString(1, id);
                    insert.setString(2, ORGANIZATION);
                    insert.setString(3, AGENT);
                    insert.setString(4, "[{\"type\":\"text\",\"text\":\"" + text(random) + "\"}]");
                    insert.executeUpdate();
                    committed.put(id, System.nanoTime());
                    sent++;
                    progress.update(sent);
                } else if (now >= nextPoll && !committed.isEmpty()) {
                    long polled = System.nanoTime();
                    Array ids = sink.createArrayOf("text", committed.keySet().toArray());
                    visible.setArray(1, ids);
                    try (ResultSet rs = visible.executeQuery()) {
                        while (rs.next()) {
                            Long at = committed.remove(rs.getString(1));
                            if (at != null) {
                                latencies.add(Math.max(0, polled - at));
                            }
                        }
                    }
                    nextPoll = polled + POLL_NANOS;
                } else {
                    Thread.sleep(1); // paces the inserts and polls of this single thread
                }
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        CdcFigures figures = new CdcFigures(sorted.length, committed.size(), percentile(sorted, 0.5),
                percentile(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
                String.format(Locale.ROOT, "A source database of Letta's final schema (0.16.8) in the same PostgreSQL"
                        + " cluster, prepared as `agentlog cdc --setup` prepares it; `LettaCdc` with its defaults (pgoutput, poll interval %d ms) publishing to the pipeline of the latency runs;"
                        + " %d `messages` rows inserted, one per transaction, at %d per second; latency from the commit's"
                        + " return to the first poll (every 5 ms) that finds the row in the sink's `messages`.",
                        CdcSettings.DEFAULT_POLL_INTERVAL_MS, total, perSecond));
        progress.done(String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (%d changes, %d not visible)",
                figures.p50Millis(), figures.p99Millis(), figures.changes(), figures.notVisible()));
        return figures;
    }

    private static String text(Random random) {
        char[] text = new char[300];
        for (int i = 0; i < text.length; i++) {
            text[i] = random.nextInt(6) == 0 ? ' ' : (char) ('a' + random.nextInt(26));
        }
        return new String(text);
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
