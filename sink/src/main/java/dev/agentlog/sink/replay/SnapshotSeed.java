package dev.agentlog.sink.replay;

import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.internal.ProjectionTableSql;
import dev.agentlog.sink.jdbc.Sql;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import dev.agentlog.sink.snapshot.StateCipher;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * Where a rebuild from a snapshot starts (docs/replay.md, "Snapshots and retention"): the newest snapshot of the live
 * schema at or before the replay's limits is loaded into the fresh shadow schema (its streams opened with the data
 * keys: an erased subject's streams hold nothing), with the live {@code events} rows of the records below its positions
 * (the audit trail is not derived from the snapshot, and the swap compares both events tables), and its positions
 * become the shadow's offsets, all in one transaction. The lanes then replay only the tail, from those offsets, looking
 * every key up (the shadow does not start empty).
 */
final class SnapshotSeed {
    private static final Logger log = LoggerFactory.getLogger(SnapshotSeed.class);
    private static final int ROWS_PER_COPY = 20_000;

    private SnapshotSeed() {}

    /** The snapshot to start from, if the live schema has one at or before the limits. */
    static Optional<SnapshotInfo> find(DataSource dataSource, String live, String topic, Map<TopicPartition, Long> limits)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!SchemaSwap.hasTable(c, live, "snapshots")) {
                return Optional.empty();
            }
            return new SnapshotStore(live).latestAtOrBefore(c, topic, limits);
        }
    }

    /** Loads the snapshot into the shadow schema; returns the number of projection rows it holds. */
    static long seed(DataSource dataSource, RebuildSettings settings, SnapshotInfo snapshot, StateCipher cipher,
            String context) throws SQLException {
        String live = settings.liveSchema();
        String shadow = settings.shadowSchema();
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ProjectionState state = new SnapshotStore(live).load(c, snapshot.snapshotId(), cipher);
                long rows = 0;
                for (TableDef<?, ?> table : Tables.ALL) {
                    rows += write(c, shadow, table, state);
                }
                long events = copyEvents(c, live, shadow, snapshot);
                SchemaSwap.setOffsets(c, shadow, settings.groupId(), snapshot.positions());
                c.commit();
                log.info("{} starting from snapshot {} of {} at offsets {}: {} rows of {} streams and {} events rows in"
                        + " {} ms", context, snapshot.snapshotId(), snapshot.takenAt(), snapshot.byPartition(), rows,
                        snapshot.streams(), events, (System.nanoTime() - t0) / 1_000_000);
                return rows;
            } finally {
                c.rollback();
            }
        }
    }

    /** One binary COPY per chunk of rows: the shadow's tables are empty, nothing to replace. */
    private static <K, R> long write(Connection c, String shadow, TableDef<K, R> table, ProjectionState state)
            throws SQLException {
        List<R> rows = new ArrayList<>(state.table(table).values());
        ProjectionTableSql<K, R> sql = new ProjectionTableSql<>(shadow, table, 1);
        for (int from = 0; from < rows.size(); from += ROWS_PER_COPY) {
            sql.replace(c, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_COPY)), List.of());
        }
        return rows.size();
    }

    /** The live audit rows of the records below the snapshot's positions. */
    private static long copyEvents(Connection c, String live, String shadow, SnapshotInfo snapshot) throws SQLException {
        if (snapshot.positions().isEmpty()) {
            return 0;
        }
        List<String> below = new ArrayList<>();
        snapshot.positions().forEach((tp, offset) -> below.add("(kafka_partition = " + tp.partition()
                + " AND kafka_offset < " + offset + ")"));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Sql.table(shadow, "events") + " SELECT * FROM "
                + Sql.table(live, "events") + " WHERE kafka_topic = ? AND (" + String.join(" OR ", below) + ")")) {
            ps.setString(1, snapshot.topic());
            return ps.executeUpdate();
        }
    }
}
