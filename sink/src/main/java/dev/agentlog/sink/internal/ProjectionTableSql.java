package dev.agentlog.sink.internal;

import dev.agentlog.sink.jdbc.JdbcValues;
import dev.agentlog.sink.jdbc.Sql;

import dev.agentlog.sink.fold.Column;
import dev.agentlog.sink.fold.Ref;
import dev.agentlog.sink.fold.TableDef;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * All SQL of one projection table, derived from its {@link TableDef}: the multi-row upsert, the batched
 * deletes by key and by {@link Ref} column, the load by key and the full read.
 */
public final class ProjectionTableSql<K, R> {
    private final TableDef<K, R> table;
    private final String qualified;
    private final MultiRowStatement upsert;
    private final String deleteByKey;
    private final String selectColumns;

    public ProjectionTableSql(String schema, TableDef<K, R> table, int maxRowsPerStatement) {
        this.table = table;
        this.qualified = Sql.table(schema, table.name());
        List<Column> columns = table.columns();
        List<Column> keys = table.keyColumns();
        List<Column> others = columns.subList(keys.size(), columns.size());
        String onConflict = others.isEmpty()
                ? " ON CONFLICT DO NOTHING"
                : " ON CONFLICT (" + Sql.columnList(keys) + ") DO UPDATE SET " + others.stream()
                        .map(c -> Sql.quote(c.name()) + " = EXCLUDED." + Sql.quote(c.name()))
                        .collect(Collectors.joining(", "));
        this.upsert = new MultiRowStatement("INSERT INTO " + qualified + " (" + Sql.columnList(columns) + ") VALUES ",
                Sql.placeholders(columns), onConflict, columns.size(), maxRowsPerStatement);
        if (keys.size() == 1) {
            this.deleteByKey = "DELETE FROM " + qualified + " WHERE " + Sql.quote(keys.get(0).name()) + " = ANY(?)";
        } else {
            String unnest = keys.stream().map(c -> "?::" + Sql.arrayElementType(c.type()) + "[]")
                    .collect(Collectors.joining(", "));
            String names = Sql.columnList(keys);
            String match = keys.stream().map(c -> "t." + Sql.quote(c.name()) + " = d." + Sql.quote(c.name()))
                    .collect(Collectors.joining(" AND "));
            this.deleteByKey = "DELETE FROM " + qualified + " t USING unnest(" + unnest + ") AS d(" + names + ") WHERE "
                    + match;
        }
        this.selectColumns = "SELECT " + Sql.columnList(columns) + " FROM " + qualified;
    }

    public TableDef<K, R> table() {
        return table;
    }

    /**
     * Makes these the table's rows for their keys: DELETE of {@code keysToDelete} (every key whose row goes away or is
     * replaced, the rows' own keys included where they may be stored), then one binary COPY of the rows. The caller
     * guarantees that no other transaction inserts these keys meanwhile (the partition's offset row lock, see
     * {@link EventsTable}); otherwise use {@link #upsert}.
     */
    public void replace(Connection c, Collection<R> rows, Collection<K> keysToDelete) throws SQLException {
        deleteKeys(c, keysToDelete);
        if (rows.isEmpty()) {
            return;
        }
        List<Column> columns = table.columns();
        BinaryCopy copy = new BinaryCopy(rows.size() * 64 * columns.size());
        for (R row : rows) {
            Object[] values = table.values(row);
            copy.startRow(values.length);
            for (int i = 0; i < values.length; i++) {
                copy.value(columns.get(i).type(), values[i]);
            }
        }
        copy.copyInto(c, qualified, Sql.columnList(columns));
    }

    /** INSERT ... ON CONFLICT DO UPDATE of these rows, in multi-row statements: safe beside any other writer. */
    public void upsert(Connection c, Collection<R> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<Column> columns = table.columns();
        upsert.execute(c, rows instanceof List<R> list ? list : new ArrayList<>(rows), (ps, first, row) -> {
            Object[] values = table.values(row);
            for (int i = 0; i < values.length; i++) {
                JdbcValues.bind(ps, first + i, columns.get(i).type(), values[i]);
            }
            return first + values.length;
        });
    }

    public void deleteKeys(Connection c, Collection<K> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        List<Column> keyColumns = table.keyColumns();
        Object[][] columnsOfKeys = new Object[keyColumns.size()][keys.size()];
        int row = 0;
        for (K key : keys) {
            Object[] values = table.keyValues(key);
            for (int col = 0; col < values.length; col++) {
                columnsOfKeys[col][row] = values[col];
            }
            row++;
        }
        try (PreparedStatement ps = c.prepareStatement(deleteByKey)) {
            for (int col = 0; col < keyColumns.size(); col++) {
                ps.setArray(col + 1, c.createArrayOf(Sql.arrayElementType(keyColumns.get(col).type()),
                        columnsOfKeys[col]));
            }
            ps.executeUpdate();
        }
    }

    /** Deletes every row whose {@code ref} column is one of {@code values}. */
    public void deleteWhere(Connection c, Ref ref, Collection<String> values) throws SQLException {
        if (values.isEmpty()) {
            return;
        }
        String sql = "DELETE FROM " + qualified + " WHERE " + Sql.quote(table.refColumn(ref).name()) + " = ANY(?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", values.toArray()));
            ps.executeUpdate();
        }
    }

    /** The rows whose {@code ref} column is one of {@code values}, by key. */
    public Map<K, R> loadWhere(Connection c, Ref ref, Collection<String> values) throws SQLException {
        Map<K, R> found = new HashMap<>();
        if (values.isEmpty()) {
            return found;
        }
        String sql = selectColumns + " WHERE " + Sql.quote(table.refColumn(ref).name()) + " = ANY(?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", values.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    R row = readRow(rs);
                    found.put(table.keyOf(row), row);
                }
            }
        }
        return found;
    }

    /** The rows of these keys that exist (one key column tables only). */
    public Map<K, R> load(Connection c, Collection<K> keys) throws SQLException {
        if (table.keyColumns().size() != 1) {
            throw new UnsupportedOperationException("load by key of " + table + " (composite key)");
        }
        Map<K, R> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        String sql = selectColumns + " WHERE " + Sql.quote(table.keyColumns().get(0).name()) + " = ANY(?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array array = c.createArrayOf(Sql.arrayElementType(table.keyColumns().get(0).type()), keys.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    R row = readRow(rs);
                    found.put(table.keyOf(row), row);
                }
            }
        }
        return found;
    }

    /** Every row of the table, each handed to {@code onRow}. */
    public void readAll(Connection c, RowSink<R> onRow) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectColumns)) {
            ps.setFetchSize(1000); // stream a large table instead of holding it twice (needs autocommit off)
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    onRow.accept(readRow(rs));
                }
            }
        }
    }

    /** Receives rows read from the table. */
    @FunctionalInterface
    public interface RowSink<R> {
        void accept(R row);
    }

    private R readRow(ResultSet rs) throws SQLException {
        List<Column> columns = table.columns();
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = JdbcValues.read(rs, i + 1, columns.get(i).type());
        }
        return table.fromValues(values);
    }
}
