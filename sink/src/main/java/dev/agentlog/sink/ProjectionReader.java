package dev.agentlog.sink;

import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.Rows;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.internal.ProjectionTableSql;
import dev.agentlog.sink.jdbc.Snapshots;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Reads every projection table of a schema into a {@link ProjectionState}, in one repeatable-read
 * transaction (one consistent snapshot), so that it can be compared with the fold of the log
 * ({@link dev.agentlog.sink.fold.LogFold}, {@link ProjectionState#differencesFrom}). Holds the whole
 * projection in memory.
 */
public final class ProjectionReader {
    private ProjectionReader() {}

    public static ProjectionState read(DataSource dataSource, String schema) throws SQLException {
        SinkSettings.defaults().withSchema(schema); // same name check as everywhere
        ProjectionState state = new ProjectionState();
        try (Connection c = dataSource.getConnection()) {
            // read only first: pgjdbc then begins the transaction READ ONLY (a transaction's setting, not the session's)
            c.setReadOnly(true);
            Snapshots.begin(c);
            try {
                for (TableDef<?, ?> table : Tables.ALL) {
                    read(c, schema, table, state);
                }
                c.commit();
            } finally {
                c.rollback();
                c.setReadOnly(false);
            }
        }
        return state;
    }

    private static <K, R> void read(Connection c, String schema, TableDef<K, R> table, ProjectionState state)
            throws SQLException {
        Rows<K, R> rows = state.rows(table);
        new ProjectionTableSql<>(schema, table, 1).readAll(c, rows::put);
    }
}
