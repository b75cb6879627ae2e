package dev.agentlog.sink.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.jdbc.Sql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The snapshots of a schema in PostgreSQL (migration V7): {@code snapshots} (one row each, with its positions) and
 * {@code snapshot_streams} (one row per stream, the record's value as in the topic). The caller owns the connection
 * and its transaction.
 */
public final class SnapshotStore {
    private static final int BATCH = 500;
    private final String snapshots;
    private final String streams;

    public SnapshotStore(String schema) {
        this.snapshots = Sql.table(schema, "snapshots");
        this.streams = Sql.table(schema, "snapshot_streams");
    }

    /** Writes a snapshot and its streams' records ({@code values}: stream id, subject, value). */
    public void write(Connection c, SnapshotInfo info, List<String[]> subjects, List<byte[]> values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + snapshots + " (snapshot_id, topic, group_id,"
                + " positions, taken_at, streams, sealed) VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            ps.setString(1, info.snapshotId());
            ps.setString(2, info.topic());
            ps.setString(3, info.groupId());
            ps.setString(4, positionsJson(info).toString());
            ps.setTimestamp(5, Timestamp.from(info.takenAt()));
            ps.setInt(6, info.streams());
            ps.setBoolean(7, info.sealed());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + streams
                + " (snapshot_id, stream_id, subject, state) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < values.size(); i++) {
                ps.setString(1, info.snapshotId());
                ps.setString(2, subjects.get(i)[0]);
                ps.setString(3, subjects.get(i)[1]);
                ps.setBytes(4, values.get(i));
                ps.addBatch();
                if ((i + 1) % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** Every snapshot of the topic, newest first. */
    public List<SnapshotInfo> list(Connection c, String topic) throws SQLException {
        List<SnapshotInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT snapshot_id, group_id, positions::text, taken_at, streams,"
                + " sealed FROM " + snapshots + " WHERE topic = ? ORDER BY taken_at DESC, snapshot_id DESC")) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SnapshotInfo(rs.getString(1), topic, rs.getString(2), positions(rs.getString(3), topic),
                            rs.getTimestamp(4).toInstant(), rs.getInt(5), rs.getBoolean(6)));
                }
            }
        }
        return out;
    }

    /** The newest snapshot that stands at or before {@code limits} in every partition. */
    public Optional<SnapshotInfo> latestAtOrBefore(Connection c, String topic, Map<TopicPartition, Long> limits)
            throws SQLException {
        return list(c, topic).stream().filter(s -> s.atOrBefore(limits)).findFirst();
    }

    /** The oldest snapshot kept: {@code state --at} answers from its time on. */
    public Optional<SnapshotInfo> oldest(Connection c, String topic) throws SQLException {
        List<SnapshotInfo> all = list(c, topic);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The snapshot's state, every stream opened with {@code cipher} (an erased subject's streams hold nothing). */
    public ProjectionState load(Connection c, String snapshotId, StateCipher cipher) throws SQLException {
        ProjectionState state = new ProjectionState();
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM " + streams + " WHERE snapshot_id = ?")) {
            ps.setFetchSize(BATCH);
            ps.setString(1, snapshotId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] value = rs.getBytes(1);
                    if (value != null) { // null: an erased subject's (eraseSubjects)
                        StreamStates.load(SnapshotFormat.decode(value, cipher), state);
                    }
                }
            }
        }
        return state;
    }

    /** The stream ids of a snapshot, in order, an erased subject's included. */
    public List<String> streamIds(Connection c, String snapshotId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT stream_id FROM " + streams
                + " WHERE snapshot_id = ? ORDER BY stream_id")) {
            ps.setString(1, snapshotId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Erasure: clears the state of every snapshot record of these subjects, in every snapshot kept (the row stays as a
     * tombstone, so that the next snapshot tombstones the stream in the topic too); returns how many were cleared.
     * Nothing when the schema predates snapshots.
     */
    public static long eraseSubjects(Connection c, String schema, Collection<String> subjects) throws SQLException {
        if (subjects.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + Sql.table(schema, "snapshot_streams")
                + " SET state = NULL, erased_at = now() WHERE subject = ANY (?) AND state IS NOT NULL")) {
            ps.setArray(1, c.createArrayOf("text", subjects.toArray()));
            return ps.executeUpdate();
        }
    }

    /** Deletes all but the newest {@code keep} snapshots of the topic; returns how many went. */
    public int keepNewest(Connection c, String topic, int keep) throws SQLException {
        List<SnapshotInfo> all = list(c, topic);
        int dropped = 0;
        for (SnapshotInfo old : all.subList(Math.min(keep, all.size()), all.size())) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + streams + " WHERE snapshot_id = ?");
                 PreparedStatement ps2 = c.prepareStatement("DELETE FROM " + snapshots + " WHERE snapshot_id = ?")) {
                ps.setString(1, old.snapshotId());
                ps.executeUpdate();
                ps2.setString(1, old.snapshotId());
                ps2.executeUpdate();
                dropped++;
            }
        }
        return dropped;
    }

    /** The sink's next offset per partition of the topic (what a snapshot stands at, or would). */
    public static Map<TopicPartition, Long> sinkOffsets(Connection c, String schema, String groupId, String topic)
            throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT \"partition\", next_offset FROM "
                + Sql.table(schema, "sink_offsets") + " WHERE consumer_group = ? AND topic = ?")) {
            ps.setString(1, groupId);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** Records where each partition of the log starts now (a start past 0: retention dropped what was before it). */
    public static void recordLogStart(Connection c, String schema, Map<TopicPartition, Long> beginnings)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Sql.table(schema, "log_start")
                + " (topic, \"partition\", start_offset, observed_at) VALUES (?, ?, ?, now()) ON CONFLICT (topic,"
                + " \"partition\") DO UPDATE SET start_offset = EXCLUDED.start_offset, observed_at = now()")) {
            for (Map.Entry<TopicPartition, Long> b : beginnings.entrySet()) {
                ps.setString(1, b.getKey().topic());
                ps.setInt(2, b.getKey().partition());
                ps.setLong(3, b.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The log starts last recorded that are past 0, by topic. */
    public static Map<String, Map<TopicPartition, Long>> logStartsPastZero(Connection c, String schema)
            throws SQLException {
        Map<String, Map<TopicPartition, Long>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT topic, \"partition\", start_offset FROM "
                + Sql.table(schema, "log_start") + " WHERE start_offset > 0");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), t -> new HashMap<>())
                        .put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
        }
        return out;
    }

    static ObjectNode positionsJson(SnapshotInfo info) {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        info.byPartition().forEach((partition, offset) -> out.put(Integer.toString(partition), offset));
        return out;
    }

    static Map<TopicPartition, Long> positions(String json, String topic) {
        try {
            JsonNode root = EventCodec.JSON.readTree(json);
            Map<TopicPartition, Long> out = new HashMap<>();
            root.fields().forEachRemaining(f ->
                    out.put(new TopicPartition(topic, Integer.parseInt(f.getKey())), f.getValue().asLong()));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("snapshot positions are not JSON: " + json, e);
        }
    }
}
