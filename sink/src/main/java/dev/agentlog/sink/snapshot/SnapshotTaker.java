package dev.agentlog.sink.snapshot;

import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.Rows;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.internal.ProjectionTableSql;
import dev.agentlog.sink.jdbc.Snapshots;
import dev.agentlog.sink.jdbc.Sql;
import dev.agentlog.sink.snapshot.SnapshotFormat.StreamRows;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * Takes a snapshot ({@code agentlog snapshot}): the sink's tables and its offsets read in one repeatable-read
 * transaction (the sink writes both in one transaction, so the tables are exactly the fold of the records below the
 * offsets, which {@code verify} proves), cut into streams, each encoded and sealed with its subject's key
 * ({@link SnapshotFormat}), and written to the schema's snapshot tables in one transaction. The records for the
 * compacted topic are returned for the caller to send. Holds the whole projection in memory while it runs.
 */
public final class SnapshotTaker {
    private final DataSource dataSource;
    private final String schema;
    private final String groupId;
    private final String topic;
    private final StateCipher cipher;

    /** One stream's record: the topic's key and value, and its subject. */
    public record StreamRecord(String streamId, String subject, byte[] value) {}

    /** A snapshot taken, with the records of its streams. */
    public record Taken(SnapshotInfo info, List<StreamRecord> records, long readMillis, long writeMillis) {}

    public SnapshotTaker(DataSource dataSource, String schema, String groupId, String topic, StateCipher cipher) {
        SinkSettings.defaults().withSchema(schema).withGroupId(groupId);
        this.dataSource = dataSource;
        this.schema = schema;
        this.groupId = groupId;
        this.topic = topic;
        this.cipher = cipher;
    }

    /** Takes one, as of {@code now} (the time it is stamped with). */
    public Taken take(Instant now) throws SQLException {
        long t0 = System.nanoTime();
        ProjectionState state = new ProjectionState();
        Map<TopicPartition, Long> positions;
        Map<String, String> rowAgents;
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            Snapshots.begin(c);
            try {
                positions = SnapshotStore.sinkOffsets(c, schema, groupId, topic);
                rowAgents = rowAgents(c);
                for (TableDef<?, ?> table : Tables.ALL) {
                    read(c, table, state);
                }
                c.commit();
            } finally {
                c.rollback();
                c.setReadOnly(false);
            }
        }
        if (positions.isEmpty()) {
            throw new IllegalStateException("the sink of group " + groupId + " has not applied anything of " + topic
                    + " to schema " + schema + " yet: nothing to take a snapshot of (check --group-id, --topic-prefix)");
        }
        long t1 = System.nanoTime();
        List<StreamRows> streams = StreamStates.split(state, rowAgents);
        SnapshotInfo info = new SnapshotInfo("snapshot-" + UUID.randomUUID(), topic, groupId, positions, now,
                streams.size(), cipher.seals());
        List<StreamRecord> records = new ArrayList<>(streams.size());
        List<String[]> subjects = new ArrayList<>(streams.size());
        List<byte[]> values = new ArrayList<>(streams.size());
        for (StreamRows stream : streams) {
            byte[] value = SnapshotFormat.encode(info, stream, cipher);
            records.add(new StreamRecord(stream.streamId(), stream.subject(), value));
            subjects.add(new String[] {stream.streamId(), stream.subject()});
            values.add(value);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                new SnapshotStore(schema).write(c, info, subjects, values);
                c.commit();
            } finally {
                c.rollback();
            }
        }
        long t2 = System.nanoTime();
        return new Taken(info, records, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    /** The agent each row.changed stream's latest event names (its subject: the privacy module's Subjects). */
    private Map<String, String> rowAgents(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT ON (stream_id) stream_id, agent_id FROM "
                     + Sql.table(schema, "events") + " WHERE type = 'row.changed' AND agent_id"
                     + " IS NOT NULL AND agent_id <> '' ORDER BY stream_id, stream_seq DESC")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private <K, R> void read(Connection c, TableDef<K, R> table, ProjectionState state) throws SQLException {
        Rows<K, R> rows = state.rows(table);
        new ProjectionTableSql<>(schema, table, 1).readAll(c, rows::put);
    }
}
