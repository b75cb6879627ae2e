package dev.agentlog.sink.replay;

import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.internal.ProjectionTableSql;
import dev.agentlog.sink.internal.ProjectionWriter;
import dev.agentlog.sink.jdbc.Sql;
import dev.agentlog.sink.snapshot.SnapshotFormat;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import dev.agentlog.sink.snapshot.SnapshotTopicReader.TopicSnapshot;
import dev.agentlog.sink.snapshot.StateCipher;
import dev.agentlog.sink.snapshot.StreamStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a rebuild from a snapshot starts (docs/replay.md, "Snapshots and retention"): a snapshot at or before the
 * replay's limits, from the live schema's {@code snapshots} or read back from the compacted topic when PostgreSQL holds
 * none ({@link Start}), is loaded into the fresh shadow schema (its streams opened with the data keys: an erased
 * subject's streams hold nothing), with the live {@code events} rows of the records below its positions when there is
 * a live schema (the audit trail is not derived from the snapshot; without a live schema it cannot come back), and
 * its positions become the shadow's offsets, all in one transaction. A snapshot read from the topic is recorded in the
 * shadow's {@code snapshots} as PostgreSQL would have had it. Every key the seed writes is told to the
 * {@link ShadowTables}, so the lanes replay the tail through the fast paths of a fresh rebuild (the Bloom filter of
 * written keys, the unique keys of events in memory) instead of looking every key up.
 */
final class SnapshotSeed {
    private static final Logger log = LoggerFactory.getLogger(SnapshotSeed.class);
    private static final int ROWS_PER_COPY = 20_000;
    private static final int FETCH = 500;

    private SnapshotSeed() {}

    /**
     * The snapshot a rebuild starts from, and where it was read.
     *
     * @param topicRecords the records read back from the topic; null: the live schema's {@code snapshot_streams}
     * @param topicName the topic it was read from (null when from PostgreSQL)
     */
    record Start(SnapshotInfo info, TopicSnapshot topicRecords, String topicName) {
        static Start postgres(SnapshotInfo info) {
            return new Start(info, null, null);
        }

        static Start topic(TopicSnapshot snapshot, String topicName) {
            return new Start(snapshot.info(), snapshot, topicName);
        }

        boolean fromTopic() {
            return topicRecords != null;
        }

        /** Records below the positions: what the tail does not replay. */
        long recordsBelow() {
            return info.positions().values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** What the seed wrote. */
    record Seeded(long rows, long eventsRows) {}

    /** The snapshot to start from, if the live schema has one at or before the limits. */
    static Optional<SnapshotInfo> find(DataSource dataSource, String live, String topic, Map<TopicPartition, Long> limits)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!SchemaSwap.exists(c, live) || !SchemaSwap.hasTable(c, live, "snapshots")) {
                return Optional.empty();
            }
            return new SnapshotStore(live).latestAtOrBefore(c, topic, limits);
        }
    }

    /**
     * Loads the snapshot into the shadow schema and tells {@code tables} every key written.
     *
     * @param liveEvents whether the live schema's {@code events} can give the audit rows below the positions
     */
    static Seeded seed(DataSource dataSource, RebuildSettings settings, Start start, StateCipher cipher,
            ShadowTables tables, boolean liveEvents, String context) throws SQLException {
        String live = settings.liveSchema();
        String shadow = settings.shadowSchema();
        SnapshotInfo snapshot = start.info();
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<byte[]> values = start.fromTopic() ? start.topicRecords().values() : values(c, live, snapshot);
                long read = System.nanoTime();
                ProjectionState state = decode(values, cipher, start);
                long decoded = System.nanoTime();
                long rows = 0;
                for (TableDef<?, ?> table : Tables.ALL) {
                    rows += write(c, shadow, table, state, tables);
                }
                long written = System.nanoTime();
                long events = liveEvents ? copyEvents(c, live, shadow, snapshot, tables) : 0;
                long copied = System.nanoTime();
                if (start.fromTopic()) {
                    new SnapshotStore(shadow).write(c, snapshot, start.topicRecords().subjects(), values);
                }
                SchemaSwap.setOffsets(c, shadow, settings.groupId(), snapshot.positions());
                c.commit();
                log.info("{} starting from snapshot {} of {} ({}) at offsets {}: {} rows of {} streams and {} events rows"
                        + " in {} ms (records read {} ms, decoded {} ms, rows copied {} ms, events rows copied {} ms)",
                        context, snapshot.snapshotId(), snapshot.takenAt(), start.fromTopic()
                        ? "read from " + start.topicName() : "from PostgreSQL", snapshot.byPartition(), rows,
                        snapshot.streams(), events, millis(System.nanoTime() - t0), millis(read - t0),
                        millis(decoded - read), millis(written - decoded), millis(copied - written));
                return new Seeded(rows, events);
            } finally {
                c.rollback();
            }
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** The stored records of a snapshot of the live schema (an erased subject's are null, and left out). */
    private static List<byte[]> values(Connection c, String live, SnapshotInfo snapshot) throws SQLException {
        List<byte[]> out = new ArrayList<>(snapshot.streams());
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM " + Sql.table(live, "snapshot_streams")
                + " WHERE snapshot_id = ? AND state IS NOT NULL")) {
            ps.setFetchSize(FETCH);
            ps.setString(1, snapshot.snapshotId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getBytes(1));
                }
            }
        }
        return out;
    }

    /**
     * The records opened and decoded in parallel (JSON and, when sealed, AES-GCM: the seed's JVM work), then put into
     * one state in their order.
     */
    private static ProjectionState decode(List<byte[]> values, StateCipher cipher, Start start) {
        List<SnapshotFormat.Decoded> decoded;
        try {
            decoded = values.parallelStream().map(v -> SnapshotFormat.decode(v, cipher)).toList();
        } catch (IllegalStateException e) {
            if (start.fromTopic() && start.info().sealed()) {
                throw new IllegalStateException("the snapshot read from " + start.topicName() + " is sealed and does not"
                        + " open: " + e.getMessage() + ". Its data keys live in PostgreSQL (subject_keys, wrapped by the"
                        + " KEK): with the database lost they are lost too, unless that table was restored from a backup"
                        + " of its own (docs/privacy.md)", e);
            }
            throw e;
        }
        ProjectionState state = new ProjectionState();
        decoded.forEach(d -> StreamStates.load(d, state));
        return state;
    }

    /** One binary COPY per chunk of rows: the shadow's tables are empty, nothing to replace. */
    private static <K, R> long write(Connection c, String shadow, TableDef<K, R> table, ProjectionState state,
            ShadowTables tables) throws SQLException {
        List<R> rows = new ArrayList<>(state.table(table).values());
        ProjectionTableSql<K, R> sql = new ProjectionTableSql<>(shadow, table, 1);
        for (int from = 0; from < rows.size(); from += ROWS_PER_COPY) {
            sql.replace(c, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_COPY)), List.of());
        }
        ProjectionWriter.reportWritten(tables, table, rows);
        return rows.size();
    }

    /** The live audit rows of the records below the snapshot's positions; their keys are told to {@code tables}. */
    private static long copyEvents(Connection c, String live, String shadow, SnapshotInfo snapshot, ShadowTables tables)
            throws SQLException {
        if (snapshot.positions().isEmpty()) {
            return 0;
        }
        List<String> below = new ArrayList<>();
        snapshot.positions().forEach((tp, offset) -> below.add("(kafka_partition = " + tp.partition()
                + " AND kafka_offset < " + offset + ")"));
        long copied = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Sql.table(shadow, "events") + " SELECT * FROM "
                + Sql.table(live, "events") + " WHERE kafka_topic = ? AND (" + String.join(" OR ", below) + ")"
                + " RETURNING event_id, stream_id, stream_seq")) {
            ps.setString(1, snapshot.topic());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(3);
                    tables.wroteEvent(rs.getString(1), rs.getString(2), rs.wasNull() ? null : seq);
                    copied++;
                }
            }
        }
        return copied;
    }
}
