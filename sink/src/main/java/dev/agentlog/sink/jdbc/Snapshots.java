package dev.agentlog.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One consistent view of the tables for a read: a repeatable-read transaction. It is asked for with
 * {@code SET TRANSACTION} as the transaction's first statement, never with {@link Connection#setTransactionIsolation}:
 * pgjdbc sends that as {@code SET SESSION CHARACTERISTICS} outside any transaction, which a transaction pooler
 * (PgBouncer, Supabase's pooler) runs on whichever server connection is free, where it then changes the isolation of
 * other clients' transactions while this one runs at the default.
 */
public final class Snapshots {
    private Snapshots() {}

    /** Starts a repeatable-read transaction on {@code c}; the caller commits or rolls it back. */
    public static Connection begin(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        }
        return c;
    }
}
