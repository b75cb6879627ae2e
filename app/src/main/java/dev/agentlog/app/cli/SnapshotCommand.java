package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.sink.replay.KafkaLogSource;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import dev.agentlog.sink.snapshot.SnapshotTaker;
import dev.agentlog.sink.snapshot.SnapshotTopic;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Takes a snapshot of every stream's state at the sink's offsets (docs/replay.md, "Snapshots and retention"). */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {"Take a snapshot: the state of every stream at the live sink's offsets in <prefix>.events (read"
                + " with the tables in one snapshot of PostgreSQL), written to the schema's snapshot tables and to the"
                + " compacted topic <prefix>.snapshots (key = stream id), each stream sealed with its subject's data key"
                + " when --kek-file is given. rebuild and verify then replay only the tail after the newest snapshot,"
                + " and <prefix>.events may have a finite retention.ms (docs/replay.md has a safe policy).",
                "state --at answers from the oldest snapshot kept on; --keep-snapshots bounds how many are kept."})
public final class SnapshotCommand implements Callable<Integer> {
    public static final Setting<Integer> KEEP_SNAPSHOTS = Setting.count("keep-snapshots").defaultsTo(0)
            .check(Check.atLeast(0))
            .doc("After taking one, keep only the newest N snapshots in PostgreSQL (0: keep every one); the oldest"
                    + " kept is how far back state --at answers.");
    public static final Setting<Boolean> LIST = Setting.flag("list")
            .doc("Do not take one: list the snapshots kept, newest first.");

    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = new KafkaOptions();
    final PostgresOptions postgres = PostgresOptions.required();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup snapshot = new SettingGroup(SinkOptions.GROUP_ID, KEEP_SNAPSHOTS, LIST);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String schema = postgres.schema();
        String topic = kafka.topics().events();
        // with --kek-file the key store reads and makes data keys on a second connection
        try (HikariDataSource pool = Database.pool(postgres.target(), 3, "agentlog-snapshot", false)) {
            SnapshotStore store = new SnapshotStore(schema);
            if (snapshot.get(LIST)) {
                try (Connection c = pool.getConnection()) {
                    for (SnapshotInfo s : store.list(c, topic)) {
                        out.printf("%s  taken %s  at offsets %s  %d streams%s%n", s.snapshotId(), s.takenAt(),
                                s.byPartition(), s.streams(), s.sealed() ? ", sealed" : "");
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
            if (kafka.bootstrapServers() == null) {
                throw new IllegalArgumentException(KafkaOptions.BOOTSTRAP_SERVERS.option() + " is required to take a"
                        + " snapshot (or set " + KafkaOptions.BOOTSTRAP_SERVERS.environmentVariable() + ")");
            }
            KafkaClients clients = kafka.clients();
            KafkaAccess.check(clients);
            TopicAdmin.ensureSnapshotTopic(clients, kafka.topics(), kafka.partitions(), kafka.replicationFactor());
            Optional<SnapshotInfo> previous;
            List<String> previousStreams = List.of();
            try (Connection c = pool.getConnection()) {
                previous = store.list(c, topic).stream().findFirst();
                if (previous.isPresent()) {
                    previousStreams = store.streamIds(c, previous.get().snapshotId());
                }
            }
            SnapshotTaker.Taken taken = new SnapshotTaker(pool, schema, snapshot.get(SinkOptions.GROUP_ID), topic,
                    privacy.stateCipher(pool, schema)).take(Instant.now());
            long t0 = System.nanoTime();
            try (Producer<byte[], byte[]> producer = producer(clients);
                 KafkaLogSource log = new KafkaLogSource(clients.bootstrapServers(), topic, clients.common())) {
                new SnapshotTopic(producer, kafka.topics().snapshots()).write(taken, previousStreams);
                recordLogStart(pool, schema, log);
            }
            long sendMillis = (System.nanoTime() - t0) / 1_000_000;
            int dropped = 0;
            if (snapshot.get(KEEP_SNAPSHOTS) > 0) {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    dropped = store.keepNewest(c, topic, snapshot.get(KEEP_SNAPSHOTS));
                    c.commit();
                }
            }
            SnapshotInfo info = taken.info();
            out.printf("snapshot %s of %s at offsets %s: %d streams%s; read %d ms, written to PostgreSQL %d ms, sent to"
                    + " %s %d ms%s%n", info.snapshotId(), schema, info.byPartition(), info.streams(),
                    info.sealed() ? " (sealed per subject)" : "", taken.readMillis(), taken.writeMillis(),
                    kafka.topics().snapshots(), sendMillis, dropped > 0 ? "; " + dropped + " older snapshot(s) dropped"
                            : "");
            out.flush();
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new IllegalStateException("snapshot of " + schema + " failed in PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Records where the log of record starts now in the schema's {@code log_start} (state --at's horizon: docs/replay.md).
     * Every command that reads the log does, so the horizon follows retention.
     */
    static void recordLogStart(DataSource dataSource, String schema, KafkaLogSource source) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            SnapshotStore.recordLogStart(c, schema, source.beginningOffsets());
        }
    }

    private static Producer<byte[], byte[]> producer(KafkaClients clients) {
        Map<String, Object> props = new HashMap<>(clients.common());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, clients.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // one record holds a whole stream's state
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.SNAPSHOT_MAX_RECORD_BYTES);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * TopicAdmin.SNAPSHOT_MAX_RECORD_BYTES);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
