package dev.agentlog.bench.run;

import dev.agentlog.bench.child.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The peer: Kafka Connect 4.3.1 standalone with io.debezium:debezium-connector-jdbc in upsert mode (deletes on), in a
 * JVM of its own, reading the peer's topic (JsonConverter with schemas) into {@code <schema>.messages}, a table made
 * by agentlog's migrations (same key and index as agentlog's). Its best tuning measured here: batch.size and the
 * consumer's max.poll.records equal (the worker allows the override), reWriteBatchedInserts on the JDBC URL.
 */
public final class PeerRun {
    public static final String CONNECTOR_CLASS = "io.debezium.connector.jdbc.JdbcSinkConnector";

    public record Settings(String schema, int tasks, int batchSize, String heap, List<String> jvmOptions,
            boolean profile) {
        String connectorName() {
            return "bench-peer-" + tasks + "task";
        }

        String describe() {
            return String.format(Locale.ROOT, "tasks.max=%d, batch.size=%d, consumer max.poll.records=%d, "
                    + "reWriteBatchedInserts=true, use.reduction.buffer=true, upsert, -Xmx%s%s", tasks, batchSize, batchSize,
                    heap, jvmOptions.isEmpty() ? "" : " " + String.join(" ", jvmOptions));
        }
    }

    private PeerRun() {}

    /** True when the peer's connector is on the classpath (the bench jar built with -Ppeer). */
    public static boolean available() {
        try {
            Class.forName(CONNECTOR_CLASS, false, PeerRun.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public static ThroughputResult run(BenchEnvironment env, LoadedLog log, Settings s) throws Exception {
        env.freshSchema(s.schema());
        env.checkpoint();
        Path work = env.workDir("peer-" + s.schema());
        Path worker = work.resolve("worker.properties");
        Path connector = work.resolve("connector.properties");
        store(workerProperties(env, work), worker);
        store(connectorProperties(env, s), connector);
        String table = s.schema() + ".messages";
        List<String> markers = log.peerMarkers().stream().filter(Objects::nonNull).toList();
        Progress progress = new Progress("peer " + s.tasks() + " task" + (s.tasks() == 1 ? "" : "s"), log.messageRows(),
                "rows");
        Path recording = work.resolve("connect.jfr");
        List<String> jvm = new java.util.ArrayList<>(List.of("-Xmx" + s.heap()));
        jvm.addAll(s.jvmOptions());
        if (s.profile()) {
            // the same sampling as agentlog's sink gets, so that both pay the same small overhead
            Path jfc = Files.writeString(work.resolve("samples.jfc"), AgentlogSinkRun.JFC);
            jvm.add("-XX:StartFlightRecording=filename=" + recording + ",settings=" + jfc + ",dumponexit=true");
        }
        ChildJvm child = ChildJvm.start("Kafka Connect", jvm, "connect",
                List.of(worker.toString(), connector.toString()), work.resolve("connect.log"));
        Window window;
        ChildJvm.Stats end;
        long peakRss;
        try {
            LogWatch watch = new LogWatch(work.resolve("connect.log"), "unrecoverable exception");
            window = Window.observe(new Window.Observation() {
                boolean started;

                @Override
                public String failure() throws Exception {
                    return watch.failure();
                }

                @Override
                public long done() throws Exception {
                    if (!started) {
                        long rows = Tables.count(env.pool(), table);
                        started = rows > 0;
                        return rows;
                    }
                    if (markersVisible(env, table, markers)) {
                        return log.messageRows();
                    }
                    return Math.min(log.messageRows() - 1, env.queryLong("SELECT coalesce(sum(n_tup_ins), 0) FROM"
                            + " pg_stat_user_tables WHERE schemaname = '" + s.schema() + "' AND relname = 'messages'"));
                }

                @Override
                public boolean complete(long done) throws Exception {
                    return Tables.count(env.pool(), table) == log.messageRows();
                }
            }, log.messageRows(), child, env, progress, AgentlogSinkRun.timeout(log.peerRecords()));
            end = child.stats();
            peakRss = child.peakRssBytes();
            // the last records of a partition may be updates of rows already there: wait (outside the window) until
            // the connector has committed the end of every partition, so that the digest sees its final table
            awaitCommitted(env.bootstrapServers(), "connect-" + s.connectorName());
        } finally {
            child.close();
        }
        Map<String, Long> rows = Map.of("messages", Tables.count(env.pool(), table));
        ThroughputResult result = new ThroughputResult("Kafka Connect + Debezium JDBC, " + s.tasks() + " task"
                + (s.tasks() == 1 ? "" : "s"), s.describe(), 0, log.peerRecords(), rows.get("messages"), rows,
                window.seconds(), (double) window.doneAtFirst / log.messageRows(), window.childCpuNanos(),
                window.workerThreadCpuNanos(), window.postgresCpuNanos(), window.benchCpuNanos(), end.peakHeapBytes(), peakRss, s.heap(),
                Tables.messagesDigest(env.pool(), s.schema()), s.profile() ? recording : null, window.first.at(), window.last.at(),
                window.machineBusy(), window.gcCount(), window.gcMillis(), window.steadyPart());
        progress.done(String.format(Locale.ROOT, "%,.0f message rows/s, %.1f us CPU/row, heap peak %d MB",
                result.messageRowsPerSecond(), result.cpuMicrosPerMessageRow(), result.peakHeapBytes() >> 20));
        return result;
    }

    private static boolean markersVisible(BenchEnvironment env, String table, List<String> markers) throws Exception {
        try (Connection c = env.pool().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE message_id = ANY(?)")) {
            Array ids = c.createArrayOf("text", markers.toArray());
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == markers.size();
            }
        }
    }

    private static void awaitCommitted(String bootstrapServers, String group) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                boolean through = !committed.isEmpty() && committed.entrySet().stream().allMatch(e ->
                        e.getValue() != null && e.getValue().offset() >= ends.get(e.getKey()).offset());
                if (through) {
                    return;
                }
                Thread.sleep(500); // poll interval of a bounded wait on a condition
            }
            throw new IllegalStateException("the peer's consumer group " + group + " did not commit the end of its topic"
                    + " within 180 s");
        }
    }

    private static Properties workerProperties(BenchEnvironment env, Path work) throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", env.bootstrapServers());
        p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("key.converter.schemas.enable", "true");
        p.setProperty("value.converter.schemas.enable", "true");
        p.setProperty("offset.storage.file.filename", work.resolve("connect.offsets").toString());
        // how often a sink task's consumer offsets are committed (Connect's default is 60 s)
        p.setProperty("offset.flush.interval.ms", "5000");
        // the connector is on the JVM's classpath (the bench jar), found through its service file
        p.setProperty("plugin.discovery", "service_load");
        // lets the connector set its consumer's max.poll.records (else batches stop at 500 records)
        p.setProperty("connector.client.config.override.policy", "All");
        p.setProperty("listeners", "http://127.0.0.1:" + freePort());
        return p;
    }

    private static Properties connectorProperties(BenchEnvironment env, Settings s) {
        Properties p = new Properties();
        p.setProperty("name", s.connectorName());
        p.setProperty("connector.class", CONNECTOR_CLASS);
        p.setProperty("tasks.max", Integer.toString(s.tasks()));
        p.setProperty("topics", LogLoader.PEER_TOPIC);
        // multi-row INSERTs from the driver's batches: its best setting here
        p.setProperty("connection.url", env.postgres().jdbcUrl() + "?reWriteBatchedInserts=true");
        p.setProperty("connection.username", env.postgres().user());
        p.setProperty("connection.password", env.postgres().password());
        p.setProperty("insert.mode", "upsert");
        p.setProperty("delete.enabled", "true");
        p.setProperty("primary.key.mode", "record_key");
        p.setProperty("primary.key.fields", "message_id");
        // the table is made beforehand, the same shape as agentlog's
        p.setProperty("schema.evolution", "none");
        p.setProperty("collection.name.format", s.schema() + ".messages");
        p.setProperty("use.time.zone", "UTC");
        p.setProperty("batch.size", Integer.toString(s.batchSize()));
        // one change per row per batch: with reWriteBatchedInserts, two changes of one row in a batch make one
        // multi-row INSERT ... ON CONFLICT DO UPDATE, which PostgreSQL refuses ("cannot affect row a second time")
        p.setProperty("use.reduction.buffer", "true");
        p.setProperty("consumer.override.max.poll.records", Integer.toString(s.batchSize()));
        return p;
    }

    private static void store(Properties p, Path file) throws IOException {
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "written by agentlog-bench");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
