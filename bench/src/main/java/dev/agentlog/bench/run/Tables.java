package dev.agentlog.bench.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** What the bench reads about the tables a contender wrote: their names, exact row counts, a digest. */
public final class Tables {
    /** The columns of {@code messages} every contender writes, in the order of the digest. */
    public static final String MESSAGE_COLUMNS = "message_id, agent_id, role, content, tool_calls, tool_call_id,"
            + " tool_returns, name, step_id, run_id, otid, source_sequence, created_at, updated_at, extra";

    private Tables() {}

    /** The base tables of the schema the sink writes (Flyway's history left out), in name order. */
    public static List<String> of(DataSource pool, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                     + " WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'"
                     + " ORDER BY table_name")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    /** Exact row count of every table of the schema ({@code count(*)}), in name order. */
    public static Map<String, Long> rowCounts(DataSource pool, String schema) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : of(pool, schema)) {
            counts.put(table, count(pool, schema + "." + table));
        }
        return counts;
    }

    public static long count(DataSource pool, String qualifiedTable) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + qualifiedTable)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * md5 over the md5 of each row of {@code <schema>.messages} (all of {@link #MESSAGE_COLUMNS}, as PostgreSQL prints
     * them, jsonb normalized, timestamps in UTC), rows in message_id order: equal digests, equal tables.
     */
    public static String messagesDigest(DataSource pool, String schema) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT md5(coalesce(string_agg(md5(t::text), '' ORDER BY t.message_id), ''))"
                    + " FROM (SELECT " + MESSAGE_COLUMNS + " FROM " + schema + ".messages) t")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
