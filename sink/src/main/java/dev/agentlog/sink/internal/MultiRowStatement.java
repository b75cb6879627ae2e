package dev.agentlog.sink.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * One multi-row statement ({@code INSERT ... VALUES (..), (..), ... [ON CONFLICT ...]}) executed for a
 * list of rows in chunks: full chunks of {@link #rowsPerStatement} rows as one JDBC batch (one round
 * trip, the same server-side prepared statement), then the remainder in power-of-two chunks so that at
 * most a handful of distinct statement texts exist per table (pgjdbc prepares a statement on the server
 * after a few uses and caches it per connection). This is what pgjdbc's {@code reWriteBatchedInserts}
 * does, done here so it works whatever the DataSource's URL says.
 */
public final class MultiRowStatement {
    /** pgjdbc sends the parameter count as an unsigned 16-bit number; stay well below it. */
    private static final int MAX_PARAMETERS = 30_000;

    private final String head;
    private final String rowPlaceholders;
    private final String tail;
    private final int parametersPerRow;
    private final int rowsPerStatement;
    private final String[] sqlByRows;

    /** Binds one row's parameters starting at the given index; returns the next free index. */
    @FunctionalInterface
    public interface RowBinder<R> {
        int bind(PreparedStatement ps, int firstIndex, R row) throws SQLException;
    }

    /** Handles one returned row. */
    @FunctionalInterface
    public interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    public MultiRowStatement(String head, String rowPlaceholders, String tail, int parametersPerRow,
            int maxRowsPerStatement) {
        this.head = head;
        this.rowPlaceholders = rowPlaceholders;
        this.tail = tail;
        this.parametersPerRow = parametersPerRow;
        this.rowsPerStatement = Math.max(1, Math.min(maxRowsPerStatement, MAX_PARAMETERS / parametersPerRow));
        this.sqlByRows = new String[rowsPerStatement + 1];
    }

    public int rowsPerStatement() {
        return rowsPerStatement;
    }

    String sql(int rows) {
        String sql = sqlByRows[rows];
        if (sql == null) {
            StringBuilder text = new StringBuilder(head.length() + tail.length() + rows * (rowPlaceholders.length() + 2));
            text.append(head);
            for (int i = 0; i < rows; i++) {
                text.append(i == 0 ? "" : ", ").append(rowPlaceholders);
            }
            text.append(tail);
            sql = text.toString();
            sqlByRows[rows] = sql;
        }
        return sql;
    }

    /** Executes for every row; the statement must not return rows. */
    public <R> void execute(Connection c, List<R> rows, RowBinder<R> binder) throws SQLException {
        int done = 0;
        int fullChunks = rows.size() / rowsPerStatement;
        if (fullChunks > 0) {
            try (PreparedStatement ps = c.prepareStatement(sql(rowsPerStatement))) {
                for (int chunk = 0; chunk < fullChunks; chunk++) {
                    bindChunk(ps, rows, done, rowsPerStatement, binder);
                    done += rowsPerStatement;
                    if (fullChunks > 1) {
                        ps.addBatch();
                    }
                }
                if (fullChunks > 1) {
                    ps.executeBatch();
                } else {
                    ps.executeUpdate();
                }
            }
        }
        while (done < rows.size()) {
            int size = Integer.highestOneBit(rows.size() - done);
            try (PreparedStatement ps = c.prepareStatement(sql(size))) {
                bindChunk(ps, rows, done, size, binder);
                ps.executeUpdate();
            }
            done += size;
        }
    }

    /** Executes for every row, handing each returned row to {@code onRow} (e.g. {@code RETURNING event_id}). */
    public <R> void query(Connection c, List<R> rows, RowBinder<R> binder, RowHandler onRow)
            throws SQLException {
        int done = 0;
        while (done < rows.size()) {
            int remaining = rows.size() - done;
            int size = remaining >= rowsPerStatement ? rowsPerStatement : Integer.highestOneBit(remaining);
            try (PreparedStatement ps = c.prepareStatement(sql(size))) {
                bindChunk(ps, rows, done, size, binder);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        onRow.accept(rs);
                    }
                }
            }
            done += size;
        }
    }

    private <R> void bindChunk(PreparedStatement ps, List<R> rows, int from, int size, RowBinder<R> binder)
            throws SQLException {
        int index = 1;
        for (int i = from; i < from + size; i++) {
            int next = binder.bind(ps, index, rows.get(i));
            if (next != index + parametersPerRow) {
                throw new IllegalStateException("row binder bound " + (next - index) + " parameters, expected "
                        + parametersPerRow);
            }
            index = next;
        }
    }
}
