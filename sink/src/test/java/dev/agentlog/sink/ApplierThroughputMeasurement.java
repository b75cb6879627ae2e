package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.events.EventType;
import dev.agentlog.sink.internal.BatchApplier;
import dev.agentlog.sink.internal.TargetTables;
import dev.agentlog.support.time.Sleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

/**
 * Not a test: a local measurement of the batch applier (through {@link SinkCore}, decoding included)
 * against COPY of the same rows into the same tables (events + messages), on the test PostgreSQL, one
 * connection each. Rounds alternate so that both see the same machine; medians are printed, with the
 * CPU per event of the worker thread and of the PostgreSQL backend (from /proc), which a busy host
 * disturbs much less than wall time. Run:
 * {@code mvn -o -pl sink test -Dtest=ApplierThroughputMeasurement -Dagentlog.measure=true}
 * and read target/surefire-reports/dev.agentlog.sink.ApplierThroughputMeasurement-output.txt.
 */
@EnabledIfSystemProperty(named = "agentlog.measure", matches = "true")
class ApplierThroughputMeasurement {
    private static final int EVENTS = Integer.getInteger("agentlog.measure.events", 100_000);
    private static final int ROUNDS = Integer.getInteger("agentlog.measure.rounds", 5);
    private static final int BATCH = Integer.getInteger("agentlog.measure.batch", 2000);
    private static final int ROWS_PER_STATEMENT = Integer.getInteger("agentlog.measure.rows",
            BatchApplier.DEFAULT_ROWS_PER_STATEMENT);
    private static final boolean CONSERVATIVE = Boolean.getBoolean("agentlog.measure.conservative");
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    /** Wall and CPU nanoseconds of one round. */
    record Round(long wallNanos, long workerCpuNanos, long jvmCpuNanos, long postgresCpuNanos) {}

    @Test
    void measureSinkAgainstCopy() throws Exception {
        int perRound = EVENTS / ROUNDS;
        List<List<SinkRecord>> rounds = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            rounds.add(messageEvents(perRound));
        }
        long bytes = rounds.get(0).stream().mapToLong(rec -> rec.value().length).sum();

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.jdbcUrl());
        config.setMaximumPoolSize(1); // one backend: its CPU is the database's work
        try (HikariDataSource single = new HikariDataSource(config)) {
            for (int warm = 0; warm < 3; warm++) { // JIT and plan caches
                runSink(single, TestPostgres.freshSchema("warm"), messageEvents(20_000));
            }
            List<Round> sink = new ArrayList<>();
            List<Round> copy = new ArrayList<>();
            for (List<SinkRecord> records : rounds) {
                String sinkSchema = TestPostgres.freshSchema("measure_sink");
                sink.add(runSink(single, sinkSchema, records));
                assertThat(Query.count("SELECT count(*) FROM " + sinkSchema + ".messages")).isEqualTo(records.size());
                copy.add(runCopy(single, sinkSchema, TestPostgres.freshSchema("measure_copy")));
            }
            double rows = 2.0 * perRound; // every event writes an events row and a messages row
            double sinkRows = rows / (median(sink, Round::wallNanos) / 1e9);
            double copyRows = rows / (median(copy, Round::wallNanos) / 1e9);
            System.out.printf("events=%d in %d rounds, batch=%d, %s, avg event %d bytes%n", EVENTS, ROUNDS, BATCH,
                    CONSERVATIVE ? "conservative (ON CONFLICT, " + ROWS_PER_STATEMENT + " rows/statement)"
                            : "fast path (SELECT/DELETE + binary COPY)", bytes / perRound);
            System.out.printf("sink:  %.0f events/s = %.0f rows/s (median); CPU per event: sink threads %.1f us"
                    + " (whole test JVM with JIT and GC %.1f us); PostgreSQL CPU %.1f us/row%n", sinkRows / 2, sinkRows,
                    median(sink, Round::workerCpuNanos) / 1e3 / perRound, median(sink, Round::jvmCpuNanos) / 1e3 / perRound,
                    median(sink, Round::postgresCpuNanos) / 1e3 / rows);
            System.out.printf("COPY:  %.0f rows/s (median); PostgreSQL CPU %.1f us/row%n", copyRows,
                    median(copy, Round::postgresCpuNanos) / 1e3 / rows);
            System.out.printf("sink / COPY = %.0f%% (wall, median), per round: %s%n", 100 * sinkRows / copyRows,
                    perRoundRatios(sink, copy));
        }
    }

    private static List<SinkRecord> messageEvents(int count) {
        TestLog log = new TestLog();
        String content = "Sure, I can help with that. Here is what I found about the topic you asked for, "
                + "with a few more words so that a message is about as long as a real one.";
        for (int i = 0; i < count; i++) {
            log.add(UUID.randomUUID().toString(), "agent-" + (i % 50), EventType.MESSAGE_CREATED,
                    "{\"message_id\":\"message-" + UUID.randomUUID() + "\",\"role\":\"assistant\",\"content\":[{\"type\":"
                            + "\"text\",\"text\":\"" + content + "\"}],\"step_id\":\"step-" + i + "\",\"run_id\":\"run-"
                            + (i / 10) + "\",\"otid\":\"otid-" + i + "\",\"source_sequence\":" + i + "}");
        }
        return log.records();
    }

    private static Round runSink(HikariDataSource single, String schema, List<SinkRecord> records) throws Exception {
        SinkCore core = new SinkCore(single, SinkSettings.defaults().withSchema(schema).withBatchMaxEvents(BATCH),
                new RecordedDeadLetters(), new SimpleMeterRegistry(), TargetTables.LIVE,
                new SinkCore.Tuning(Sleeper.SYSTEM, ROWS_PER_STATEMENT, CONSERVATIVE, true));
        core.assign(new TestLog().partitions());
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long pg0 = backendCpuNanos(single);
        long jvm0 = os.getProcessCpuTime();
        Map<Long, Long> threads0 = sinkThreadsCpu();
        long t0 = System.nanoTime();
        for (int from = 0; from < records.size(); from += BATCH) {
            core.process(records.subList(from, Math.min(records.size(), from + BATCH)));
        }
        long wall = System.nanoTime() - t0;
        long jvm = os.getProcessCpuTime() - jvm0; // every thread, JIT compiler and GC included
        long worker = 0;
        for (Map.Entry<Long, Long> thread : sinkThreadsCpu().entrySet()) {
            worker += thread.getValue() - threads0.getOrDefault(thread.getKey(), 0L);
        }
        return new Round(wall, worker, jvm, backendCpuNanos(single) - pg0);
    }

    /** CPU time of the threads that run the sink: this one and the common pool's (the parallel decode). */
    private static Map<Long, Long> sinkThreadsCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread == Thread.currentThread() || thread.getName().startsWith("ForkJoinPool.commonPool")) {
                cpu.put(thread.getId(), mx.getThreadCpuTime(thread.getId()));
            }
        }
        return cpu;
    }

    /** COPY of the rows the sink wrote (read back from its schema; not timed) into a fresh schema. */
    private static Round runCopy(HikariDataSource single, String from, String to) throws Exception {
        String events = tsv("SELECT event_id, stream_id, stream_seq, type, schema_version, occurred_at, source, actor,"
                + " payload, kafka_topic, kafka_partition, kafka_offset FROM " + from + ".events");
        String messages = tsv("SELECT message_id, agent_id, role, content, step_id, run_id, otid, source_sequence,"
                + " created_at, updated_at FROM " + from + ".messages");
        try (Connection c = single.getConnection()) {
            long pg0 = backendCpuNanos(c);
            long t0 = System.nanoTime();
            c.setAutoCommit(false);
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + to + ".events (event_id, stream_id, stream_seq,"
                    + " type, schema_version, occurred_at, source, actor, payload, kafka_topic, kafka_partition,"
                    + " kafka_offset) FROM STDIN", new StringReader(events));
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + to + ".messages (message_id, agent_id, role,"
                    + " content, step_id, run_id, otid, source_sequence, created_at, updated_at) FROM STDIN",
                    new StringReader(messages));
            c.commit();
            long wall = System.nanoTime() - t0;
            return new Round(wall, 0, 0, backendCpuNanos(c) - pg0);
        }
    }

    private static String tsv(String sql) {
        StringBuilder out = new StringBuilder();
        for (String row : Query.rows(sql)) {
            out.append(row.replace("\\", "\\\\").replace('|', '\t').replace("\tnull\t", "\t\\N\t")).append('\n');
        }
        return out.toString();
    }

    private static long backendCpuNanos(HikariDataSource single) throws Exception {
        try (Connection c = single.getConnection()) {
            return backendCpuNanos(c);
        }
    }

    /** utime + stime of this connection's backend process. */
    private static long backendCpuNanos(Connection c) throws Exception {
        int pid;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return (long) (ticks / CLOCK_TICKS_PER_SECOND * 1e9);
    }

    private static double median(List<Round> rounds, java.util.function.ToLongFunction<Round> value) {
        List<Long> values = new ArrayList<>();
        rounds.forEach(r -> values.add(value.applyAsLong(r)));
        Collections.sort(values);
        return values.get(values.size() / 2);
    }

    private static String perRoundRatios(List<Round> sink, List<Round> copy) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sink.size(); i++) {
            out.add(Math.round(100.0 * copy.get(i).wallNanos() / sink.get(i).wallNanos()) + "%");
        }
        return String.join(" ", out);
    }
}
