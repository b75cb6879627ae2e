package dev.agentlog.query;

import dev.agentlog.sink.fold.Column;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.jdbc.JdbcValues;
import dev.agentlog.sink.jdbc.Snapshots;
import dev.agentlog.sink.jdbc.Sql;
import dev.agentlog.sink.replay.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Reads projection rows and stored events with a WHERE clause; the SQL of the query package. */
final class TableQueries {
    private final String schema;

    TableQueries(String schema) {
        this.schema = schema;
    }

    String table(String name) {
        return Sql.table(schema, name);
    }

    /** Binds the parameters of one statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** {@code SELECT <the table's columns> FROM <table> t <tail>}: rows in the order the tail says. */
    <K, R> List<R> rows(Connection c, TableDef<K, R> def, String tail, Binder binder) throws SQLException {
        List<R> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + columns(def, "t") + " FROM " + table(def.name()) + " t "
                + tail)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs, def, 1));
                }
            }
        }
        return out;
    }

    /** The table's columns, each prefixed by {@code alias}, in the order {@link #row} reads them. */
    <K, R> String columns(TableDef<K, R> def, String alias) {
        return def.columns().stream().map(col -> alias + "." + Sql.quote(col.name())).collect(Collectors.joining(", "));
    }

    /**
     * The row whose columns start at {@code first} in the current result row, or null when its first column is NULL:
     * an outer join that found none (for tables whose first column is part of their key).
     */
    static <K, R> R rowOrNull(ResultSet rs, TableDef<K, R> def, int first) throws SQLException {
        return rs.getObject(first) == null ? null : row(rs, def, first);
    }

    /** The row whose columns start at {@code first} in the current result row. */
    static <K, R> R row(ResultSet rs, TableDef<K, R> def, int first) throws SQLException {
        List<Column> cols = def.columns();
        Object[] values = new Object[cols.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = JdbcValues.read(rs, first + i, cols.get(i).type());
        }
        return def.fromValues(values);
    }

    /** {@code SELECT <StoredEvent.COLUMNS> FROM events <tail>}. */
    List<StoredEvent> events(Connection c, String tail, Binder binder) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + StoredEvent.COLUMNS + " FROM " + table("events") + " "
                + tail)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(StoredEvent.read(rs));
                }
            }
        }
        return out;
    }

    /** Which of {@code subjects} were erased (a tombstone in the key store, docs/privacy.md). */
    java.util.Set<String> erased(Connection c, java.util.Collection<String> subjects) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT subject FROM " + table("subject_keys")
                + " WHERE subject = ANY(?) AND erased_at IS NOT NULL")) {
            ps.setArray(1, c.createArrayOf("text", subjects.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static Connection snapshot(Connection c) throws SQLException {
        return Snapshots.begin(c);
    }
}
