package dev.agentlog.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.replay.KafkaLogSource;
import dev.agentlog.sink.replay.Rebuild;
import dev.agentlog.sink.replay.RebuildResult;
import dev.agentlog.sink.replay.RebuildSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

/**
 * Not a test: the rebuild benchmark of docs/replay.md. Writes N Letta-like events straight into a log of record
 * (12 partitions, stream_seq set, as the processor writes them), rebuilds a schema from it with {@link Rebuild}
 * (the command's code path: Kafka, the merge, SinkCore's batch path into a fresh migrated schema), then measures
 * the ceiling: binary COPY of exactly the rows the rebuild wrote (every table) into another fresh migrated schema,
 * same indexes, same run, same PostgreSQL. Run:
 * {@code mvn -o -pl app test -Dtest=RebuildBenchmark -Dagentlog.benchmark=true [-Dagentlog.benchmark.events=1000000]}
 * and read app/target/rebuild-benchmark.txt.
 */
@EnabledIfSystemProperty(named = "agentlog.benchmark", matches = "true")
class RebuildBenchmark {
    private static final int EVENTS = Integer.getInteger("agentlog.benchmark.events", 1_000_000);
    private static final int AGENTS = Integer.getInteger("agentlog.benchmark.agents", 1_000);
    private static final int PARTITIONS = 12;
    private static final int BATCH = Integer.getInteger("agentlog.benchmark.batch", RebuildSettings.DEFAULT_BATCH_MAX_EVENTS);
    private static final int WORKERS = Integer.getInteger("agentlog.benchmark.workers", RebuildSettings.DEFAULT_WORKERS);
    private static final List<String> TABLES = List.of("events", "agents", "messages", "agent_context", "blocks",
            "block_versions", "agent_blocks", "archives", "agent_archives", "passages", "source_rows");

    @Test
    void measureRebuildAgainstCopy() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String prefix = "bench" + System.currentTimeMillis() % 100_000;
        Topics topics = new Topics(prefix);
        TopicAdmin.ensureTopics(runtime.bootstrapServers(), topics, PARTITIONS, (short) 1, 86_400_000L, 1024 * 1024);
        long produced = produce(runtime.bootstrapServers(), topics.events());
        StringBuilder report = new StringBuilder();
        try (HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(),
                runtime.postgres.password(), 4, "bench")) {
            String schema = prefix;
            RebuildResult result;
            Cpu before = Cpu.now(pool);
            try (KafkaLogSource source = new KafkaLogSource(runtime.bootstrapServers(), topics.events(), Map.of())) {
                result = new Rebuild(pool, RebuildSettings.defaults().withLiveSchema(schema).withBatchMaxEvents(BATCH)
                        .withWorkers(WORKERS),
                        source, p -> { }, new SimpleMeterRegistry()).run();
            }
            Cpu rebuildCpu = Cpu.now(pool).minus(before);
            assertThat(result.recordsRead()).isEqualTo(produced);
            long rows = 0;
            for (String table : TABLES) {
                rows += count(pool, schema + "." + table);
            }
            String copySchema = prefix + "_copy";
            SchemaMigrator.migrate(pool, copySchema);
            long copyNanos = 0;
            long copyPostgresNanos = 0;
            for (String table : TABLES) {
                long[] timed = copy(pool, schema, copySchema, table);
                copyNanos += timed[0];
                copyPostgresNanos += timed[1];
            }
            double rebuildSeconds = result.replayMillis() / 1000.0;
            double copySeconds = copyNanos / 1e9;
            report.append(String.format(Locale.ROOT, "date %s, %d cores, PostgreSQL %s, Kafka in-process (test runtime)%n",
                    LocalDate.now(), Runtime.getRuntime().availableProcessors(), version(pool)));
            report.append(String.format(Locale.ROOT, "log: %,d Letta-like events (%d agents, %d partitions, avg %d bytes),"
                    + " batch %d, %d worker(s)%n", produced, AGENTS, PARTITIONS, bytes / produced, BATCH, WORKERS));
            report.append(String.format(Locale.ROOT, "rebuild: %.1f s = %,.0f events/s (%,d rows written in %d tables)%n",
                    rebuildSeconds, produced / rebuildSeconds, rows, TABLES.size()));
            report.append(String.format(Locale.ROOT, "COPY of the same rows: %.1f s = %,.0f rows/s = %,.0f events/s%n",
                    copySeconds, rows / copySeconds, produced / copySeconds));
            report.append(String.format(Locale.ROOT, "rebuild / COPY = %.0f%%%n", 100 * copySeconds / rebuildSeconds));
            report.append(String.format(Locale.ROOT, "CPU per event, rebuild: %.1f us calling thread, %.1f us whole JVM"
                    + " (with the in-process broker), %.1f us PostgreSQL; COPY: %.1f us PostgreSQL%n",
                    rebuildCpu.threadNanos / 1e3 / produced, rebuildCpu.jvmNanos / 1e3 / produced,
                    rebuildCpu.postgresNanos / 1e3 / produced, copyPostgresNanos / 1e3 / produced));
            report.append(String.format(Locale.ROOT, "machine load average during the run: %.1f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
                s.execute("DROP SCHEMA " + copySchema + " CASCADE");
            }
        }
        System.out.print(report);
        Files.writeString(Path.of("target", "rebuild-benchmark.txt"), report.toString());
    }

    private long bytes;

    /** A Letta-like log: agents created with blocks and an archive, then turns round-robin over the agents. */
    private long produce(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        // test data on one broker: plain retries; every send's outcome is checked below
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long count = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            LettaLike log = new LettaLike(AGENTS);
            java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
            while (count < EVENTS) {
                for (String[] event : log.next()) {
                    if (count >= EVENTS) {
                        break;
                    }
                    byte[] value = event[1].getBytes(StandardCharsets.UTF_8);
                    bytes += value.length;
                    producer.send(new ProducerRecord<>(topic, event[0].getBytes(StandardCharsets.UTF_8), value),
                            (metadata, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                    count++;
                }
            }
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("could not write the benchmark log", failure.get());
            }
        }
        return count;
    }

    private static long count(HikariDataSource pool, String table) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * COPY out of the rebuilt table (not timed), COPY into the same table of a fresh schema (timed).
     *
     * @return {wall nanos, PostgreSQL CPU nanos}
     */
    private static long[] copy(HikariDataSource pool, String from, String to, String table) throws Exception {
        try (Connection c = pool.getConnection()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            pg.getCopyAPI().copyOut("COPY " + from + "." + table + " TO STDOUT (FORMAT binary)", rows);
            byte[] data = rows.toByteArray();
            Cpu before = Cpu.now(pool);
            long started = System.nanoTime();
            pg.getCopyAPI().copyIn("COPY " + to + "." + table + " FROM STDIN (FORMAT binary)",
                    new ByteArrayInputStream(data));
            long wall = System.nanoTime() - started;
            return new long[] {wall, Cpu.now(pool).minus(before).postgresNanos};
        }
    }

    /**
     * CPU used so far: this thread, this JVM, and every process of the PostgreSQL server (postmaster and children,
     * from /proc): a measure the other work on a shared machine disturbs much less than wall time.
     */
    record Cpu(long threadNanos, long jvmNanos, long postgresNanos) {
        private static final double TICKS_PER_SECOND = 100.0;

        static Cpu now(HikariDataSource pool) throws Exception {
            long thread = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            return new Cpu(thread, jvm, postgresTicks(pool) * (long) (1e9 / TICKS_PER_SECOND));
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(threadNanos - earlier.threadNanos, jvmNanos - earlier.jvmNanos,
                    postgresNanos - earlier.postgresNanos);
        }

        private static long postgresTicks(HikariDataSource pool) throws Exception {
            String dataDirectory;
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW data_directory")) {
                rs.next();
                dataDirectory = rs.getString(1);
            }
            long postmaster = Long.parseLong(Files.readAllLines(Path.of(dataDirectory, "postmaster.pid")).get(0).trim());
            long ticks = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    String stat;
                    try {
                        stat = Files.readString(proc.resolve("stat"));
                    } catch (java.io.IOException gone) {
                        continue;
                    }
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(proc.getFileName().toString());
                    long parent = Long.parseLong(fields[1]);
                    if (pid == postmaster || parent == postmaster) {
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
                    }
                }
            }
            return ticks;
        }
    }

    private static String version(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Generates the events of the log, key and value, a turn of one agent at a time. */
    static final class LettaLike {
        private static final String TEXT = "Sure, I can help with that. Here is what I found about the topic you asked"
                + " for, with a few more words so that a message is about as long as a real one.";
        private final int agents;
        private final long[] blockVersion;
        private final int[] turn;
        private final List<List<String>> windows = new ArrayList<>();
        private final java.util.Map<String, Long> streamSeqs = new java.util.HashMap<>();
        private Instant clock = Instant.parse("2026-01-01T00:00:00Z");
        private int next;
        private long ids;

        LettaLike(int agents) {
            this.agents = agents;
            this.blockVersion = new long[agents];
            this.turn = new int[agents];
            for (int a = 0; a < agents; a++) {
                windows.add(new ArrayList<>());
            }
        }

        /** The next agent's next step: its creation, or one turn. */
        List<String[]> next() {
            int a = next;
            next = (next + 1) % agents;
            List<String[]> out = new ArrayList<>();
            String agent = "agent-bench-" + a;
            String human = "block-bench-" + a + "-human";
            String persona = "block-bench-" + a + "-persona";
            String archive = "archive-bench-" + a;
            if (turn[a]++ == 0) {
                out.add(e(agent, "agent.created", "{\"name\":\"agent " + a + "\",\"agent_type\":\"memgpt_v2_agent\","
                        + "\"system\":\"You are a helpful assistant.\",\"llm_config\":{\"model\":\"gpt-4o-mini\","
                        + "\"context_window\":128000},\"embedding_config\":{\"embedding_model\":\"text-embedding-3-small\"},"
                        + "\"tool_rules\":[],\"metadata\":{}}"));
                out.add(e(human, "block.created", "{\"label\":\"human\",\"value\":\"Name: unknown\",\"limit\":5000}"));
                out.add(e(persona, "block.created", "{\"label\":\"persona\",\"value\":\"I am a helpful assistant.\","
                        + "\"limit\":5000}"));
                out.add(e(agent, "block.attached", "{\"block_id\":\"" + human + "\",\"label\":\"human\"}"));
                out.add(e(agent, "block.attached", "{\"block_id\":\"" + persona + "\",\"label\":\"persona\"}"));
                out.add(e(archive, "archive.created", "{\"name\":\"archive " + a + "\"}"));
                out.add(e(agent, "archive.attached", "{\"archive_id\":\"" + archive + "\"}"));
                out.add(message(a, agent, "system", "You are a helpful assistant.", null));
                out.add(context(a, agent));
                blockVersion[a] = 1;
                return out;
            }
            out.add(message(a, agent, "user", "Question " + turn[a] + ": could you look something up for me?", null));
            out.add(message(a, agent, "assistant", "", "[{\"id\":\"call-" + ids + "\",\"type\":\"function\",\"function\":"
                    + "{\"name\":\"archival_memory_search\",\"arguments\":\"{\\\"query\\\":\\\"topic\\\"}\"}}]"));
            out.add(message(a, agent, "tool", "{\\\"results\\\": [\\\"one\\\", \\\"two\\\"]}", null));
            out.add(message(a, agent, "assistant", TEXT, null));
            out.add(context(a, agent));
            if (turn[a] % 5 == 0) {
                out.add(e(human, "block.updated", "{\"value\":\"Name: Ada\\nTurn: " + turn[a] + "\\nLikes tea.\","
                        + "\"version\":" + (++blockVersion[a]) + "}"));
            }
            if (turn[a] % 10 == 0) {
                out.add(e(archive, "passage.inserted", "{\"passage_id\":\"passage-bench-" + (ids++) + "\",\"text\":\""
                        + TEXT + "\",\"tags\":[\"memory\"],\"embedding\":[0.12,-0.03,0.5,0.07,0.33,-0.41,0.09,0.2],"
                        + "\"embedding_model\":\"text-embedding-3-small\"}"));
                out.add(e(agent, "message.updated", "{\"message_id\":\"" + windows.get(a).get(0) + "\",\"content\":"
                        + "[{\"type\":\"text\",\"text\":\"You are a helpful assistant. Turn " + turn[a] + ".\"}]}"));
            }
            return out;
        }

        private String[] message(int a, String agent, String role, String text, String toolCalls) {
            String id = "message-bench-" + (ids++);
            List<String> window = windows.get(a);
            window.add(id);
            if (window.size() > 20) {
                window.remove(1); // the system message stays first
            }
            return e(agent, "message.created", "{\"message_id\":\"" + id + "\",\"role\":\"" + role + "\",\"content\":"
                    + (text.isEmpty() ? "[]" : "[{\"type\":\"text\",\"text\":\"" + text + "\"}]")
                    + (toolCalls == null ? "" : ",\"tool_calls\":" + toolCalls) + ",\"step_id\":\"step-" + ids + "\"}");
        }

        private String[] context(int a, String agent) {
            StringBuilder ids = new StringBuilder();
            for (String id : windows.get(a)) {
                ids.append(ids.length() == 0 ? "" : ",").append('"').append(id).append('"');
            }
            return e(agent, "context.updated", "{\"message_ids\":[" + ids + "]}");
        }

        private String[] e(String stream, String type, String payload) {
            clock = clock.plusMillis(1);
            long streamSeq = streamSeqs.merge(stream, 1L, Long::sum);
            String json = "{\"event_id\":\"bench-" + (ids++) + "\",\"type\":\"" + type + "\",\"schema_version\":"
                    + (type.equals("message.created") ? 2 : 1) + ",\"stream_id\":\"" + stream + "\",\"stream_seq\":"
                    + streamSeq + ",\"occurred_at\":\"" + clock + "\",\"source\":\"http:bench\",\"actor\":\"user-1\","
                    + "\"payload\":" + payload + "}";
            return new String[] {stream, json};
        }
    }
}
