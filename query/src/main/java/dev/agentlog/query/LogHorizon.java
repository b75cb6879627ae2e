package dev.agentlog.query;

import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * How far back the log still reaches (docs/replay.md, "Snapshots and retention"). While the log of record starts at
 * offset 0 everywhere there is no horizon. Once a command that reads it (snapshot, rebuild) found that retention
 * dropped its beginning ({@code log_start}), a past state is answered only from the oldest snapshot kept that the log
 * can still be replayed from (every position at or after the log's start) on: before it, the log no longer holds what
 * happened. With no such snapshot there is no horizon either (the events table answers, as before).
 */
public final class LogHorizon {
    private LogHorizon() {}

    /** When the oldest snapshot the log can be replayed from was taken; empty when there is no horizon. */
    static Optional<Instant> of(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('" + Sql.quote(schema) + ".log_start') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Optional.empty(); // a schema from before snapshots
            }
        }
        Optional<Instant> horizon = Optional.empty();
        SnapshotStore store = new SnapshotStore(schema);
        for (Map.Entry<String, Map<TopicPartition, Long>> topic : SnapshotStore.logStartsPastZero(c, schema).entrySet()) {
            List<SnapshotInfo> snapshots = store.list(c, topic.getKey());
            for (int i = snapshots.size() - 1; i >= 0; i--) { // oldest first
                if (snapshots.get(i).replayableFrom(topic.getValue())) {
                    Instant taken = snapshots.get(i).takenAt();
                    horizon = horizon.isEmpty() || taken.isAfter(horizon.get()) ? Optional.of(taken) : horizon;
                    break;
                }
            }
        }
        return horizon;
    }

    /** Refuses an instant before the horizon. */
    static void check(Connection c, String schema, Instant at) throws SQLException {
        Optional<Instant> horizon = of(c, schema);
        if (horizon.isPresent() && at.isBefore(horizon.get())) {
            throw new BeforeHorizon(at, horizon.get());
        }
    }

    /**
     * Refuses the past states of a stream whose beginning this schema's {@code events} do not hold. After a rebuild
     * from the snapshots' topic (the database lost, the log's beginning deleted) {@code events} starts at the
     * snapshot's positions: a stream that began before it would be folded from its tail alone, and an agent created
     * before the snapshot would read as never created. Such a stream is in a snapshot, and its first position in
     * {@code events} is not 1 (positions of the log of record start at 1 and have no gaps: a gap is a dead letter).
     */
    static void requireBeginningHeld(Connection c, String schema, String streamId) throws SQLException {
        Long first = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT min(stream_seq) FROM " + Sql.table(schema, "events")
                + " WHERE stream_id = ?")) { // one descent of the (stream_id, stream_seq) index
            ps.setString(1, streamId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                first = (Long) rs.getObject(1);
            }
        }
        if (first != null && first == 1L) {
            return;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('" + Sql.quote(schema) + ".snapshot_streams') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return; // a schema from before snapshots
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT s.taken_at FROM " + Sql.table(schema, "snapshots") + " s"
                + " JOIN " + Sql.table(schema, "snapshot_streams") + " t ON t.snapshot_id = s.snapshot_id"
                + " AND t.stream_id = ? ORDER BY s.taken_at LIMIT 1")) {
            ps.setString(1, streamId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new BeginningNotHeld(streamId, rs.getObject(1, OffsetDateTime.class).toInstant());
                }
            }
        }
    }

    /** A past state was asked for before the oldest snapshot kept: the log no longer promises to hold it. */
    public static class BeforeHorizon extends RuntimeException {
        private final Instant horizon;

        BeforeHorizon(Instant at, Instant horizon) {
            this(at + " is older than what the log still holds: retention dropped the log's beginning, and states are"
                    + " kept from the oldest snapshot it can be replayed from on, taken at " + horizon + " (docs/replay.md):"
                    + " ask for an instant at or after " + horizon, horizon);
        }

        BeforeHorizon(String message, Instant horizon) {
            super(message);
            this.horizon = horizon;
        }

        public Instant horizon() {
            return horizon;
        }
    }

    /**
     * The stream began before the snapshot this schema was rebuilt from, and its events before it are not here: no
     * past state of it can be told from this schema, nor its events exported (answered as before the horizon: exit code
     * 4, HTTP 410).
     */
    public static final class BeginningNotHeld extends BeforeHorizon {
        BeginningNotHeld(String streamId, Instant snapshotTakenAt) {
            super(streamId + " began before the snapshot taken at " + snapshotTakenAt + " that this schema was rebuilt"
                    + " from, and its events before that snapshot are not in this schema (a snapshot holds the tables,"
                    + " not the events: docs/replay.md): its past states and its events cannot be told from here; its"
                    + " current state can (`state` without --at, GET /v1/agents/{id} without at)", snapshotTakenAt);
        }
    }
}
