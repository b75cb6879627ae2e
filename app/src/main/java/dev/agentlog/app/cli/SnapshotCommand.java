package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.SnapshotWriter;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import dev.agentlog.support.time.Time;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
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
    public static final Setting<Boolean> LIST = Setting.flag("list")
            .doc("Do not take one: list the snapshots kept, newest first.");

    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = new KafkaOptions();
    final PostgresOptions postgres = PostgresOptions.required();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup snapshot = new SettingGroup(SinkOptions.GROUP_ID, SinkOptions.KEEP_SNAPSHOTS, LIST);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String schema = postgres.schema();
        String topic = kafka.topics().events();
        // with --kek-file the key store reads and makes data keys on a second connection
        try (HikariDataSource pool = Database.pool(postgres.target(), 3, "agentlog-snapshot", false)) {
            if (snapshot.get(LIST)) {
                try (Connection c = pool.getConnection()) {
                    for (SnapshotInfo s : new SnapshotStore(schema).list(c, topic)) {
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
            SnapshotWriter.Written w = new SnapshotWriter(pool, schema, snapshot.get(SinkOptions.GROUP_ID), clients,
                    kafka.topics(), privacy.stateCipher(pool, schema), snapshot.get(SinkOptions.KEEP_SNAPSHOTS),
                    Time.SYSTEM).write();
            SnapshotInfo info = w.info();
            out.printf("snapshot %s of %s at offsets %s: %d streams%s; read %d ms, written to PostgreSQL %d ms, sent to"
                    + " %s %d ms%s%n", info.snapshotId(), schema, info.byPartition(), info.streams(),
                    info.sealed() ? " (sealed per subject)" : "", w.readMillis(), w.writeMillis(),
                    kafka.topics().snapshots(), w.sendMillis(), w.dropped() > 0 ? "; " + w.dropped()
                            + " older snapshot(s) dropped" : "");
            out.flush();
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new IllegalStateException("snapshot of " + schema + " failed in PostgreSQL: " + e.getMessage(), e);
        }
    }
}
