package dev.agentlog.query;

import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import java.time.Instant;
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

    /** A past state was asked for before the oldest snapshot kept: the log no longer promises to hold it. */
    public static final class BeforeHorizon extends RuntimeException {
        private final Instant horizon;

        BeforeHorizon(Instant at, Instant horizon) {
            super(at + " is older than what the log still holds: retention dropped the log's beginning, and states are"
                    + " kept from the oldest snapshot it can be replayed from on, taken at " + horizon + " (docs/replay.md):"
                    + " ask for an instant at or after " + horizon);
            this.horizon = horizon;
        }

        public Instant horizon() {
            return horizon;
        }
    }
}
