package dev.agentlog.query;

import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * How far back the log is promised to reach (docs/replay.md, "Snapshots and retention"): once snapshots are taken, the
 * log of record may lose its old records to retention, and a past state is answered only from the oldest snapshot kept
 * on. Before any snapshot, the log holds everything since the first event and there is no horizon.
 */
public final class LogHorizon {
    private LogHorizon() {}

    /** When the oldest snapshot kept was taken; empty when there is none (or the schema predates snapshots). */
    static Optional<Instant> of(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + Sql.quote(schema) + ".snapshots') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT min(taken_at) FROM " + Sql.table(schema, "snapshots"))) {
                rs.next();
                Timestamp oldest = rs.getTimestamp(1);
                return Optional.ofNullable(oldest).map(Timestamp::toInstant);
            }
        }
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
            super(at + " is older than what the log still holds: states are kept from the oldest snapshot on, taken at "
                    + horizon + " (retention may have dropped the events before it; docs/replay.md): ask for an instant"
                    + " at or after " + horizon);
            this.horizon = horizon;
        }

        public Instant horizon() {
            return horizon;
        }
    }
}
