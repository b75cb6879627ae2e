package dev.agentlog.cdc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One JDBC connection to the source, opened on first use and opened again after a failure. Confined to one thread.
 */
public final class SourceConnection implements AutoCloseable {
    /** Opens a new connection. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    /** Work on the connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Opener opener;
    private Connection connection;

    public SourceConnection(Opener opener) {
        this.opener = opener;
    }

    /** Runs {@code work}; a failure closes the connection, so the next call opens a fresh one. */
    public <T> T run(Work<T> work) throws SQLException {
        try {
            if (connection == null || connection.isClosed()) {
                connection = opener.open();
            }
            return work.run(connection);
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing more to do
            }
            connection = null;
        }
    }
}
