package dev.agentlog.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What the slot costs the source, measured now.
 *
 * @param retainedBytes WAL the source keeps for the slot: its current position minus the slot's restart position
 *                      (this is what fills the disk)
 * @param lagBytes      its current position minus what capture confirmed
 * @param walStatus     PostgreSQL's {@code wal_status}: reserved, extended, unreserved or lost
 */
public record SlotWal(long retainedBytes, long lagBytes, String walStatus) {
    /** The slot's WAL figures; empty without the slot. */
    public static Optional<SlotWal> measure(Connection c, String slotName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, "
                + "pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint, wal_status "
                + "FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slotName);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long retained = rs.getLong(1);
                boolean noRestart = rs.wasNull();
                long lag = rs.getLong(2);
                boolean noConfirmed = rs.wasNull();
                return noRestart && noConfirmed ? Optional.empty()
                        : Optional.of(new SlotWal(noRestart ? lag : retained, noConfirmed ? retained : lag, rs.getString(3)));
            }
        }
    }
}
