package dev.agentlog.sink.replay;

import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The SQL of the swap and of reading the live sink's position. The live sink's transactions all begin by
 * moving their rows of {@code sink_offsets} (a ROW EXCLUSIVE lock held to their commit); so while a
 * transaction holds {@code LOCK TABLE sink_offsets IN EXCLUSIVE MODE} (readers pass: EXCLUSIVE lets
 * ACCESS SHARE through), no live batch is in flight and the next one waits. Once the swap commits, the
 * waiting statement resolves its schema-qualified table names again, and finds the rebuilt tables: PostgreSQL
 * re-resolves a name when the catalog changed while it waited for the lock, and drops cached plans (also those
 * of server-side prepared statements) when a schema is renamed.
 */
final class SchemaSwap {
    private SchemaSwap() {}

    static boolean exists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static boolean hasTable(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_tables WHERE schemaname = ? AND tablename = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Blocks the live sink's next batch (and waits for the one in flight, at most {@code timeoutMs}). */
    static void lockOffsets(Connection c, String schema, long timeoutMs) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = " + timeoutMs);
            s.execute("LOCK TABLE " + Sql.table(schema, "sink_offsets") + " IN EXCLUSIVE MODE");
        }
    }

    /** The group's next offset per partition of the topic. */
    static Map<TopicPartition, Long> offsets(Connection c, String schema, String group, String topic)
            throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT \"partition\", next_offset FROM "
                + Sql.table(schema, "sink_offsets") + " WHERE consumer_group = ? AND topic = ?")) {
            ps.setString(1, group);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** The consumer groups with offsets in the schema (to name them when --group-id is wrong). */
    static TreeSet<String> groups(Connection c, String schema) throws SQLException {
        TreeSet<String> groups = new TreeSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT consumer_group FROM " + Sql.table(schema, "sink_offsets"))) {
            while (rs.next()) {
                groups.add(rs.getString(1));
            }
        }
        return groups;
    }

    static long count(Connection c, String schema, String table) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Sql.table(schema, table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Makes these the group's offsets in the schema (so that the live sink's conditional update finds them). */
    static void setOffsets(Connection c, String schema, String group, Map<TopicPartition, Long> offsets)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Sql.table(schema, "sink_offsets")
                + " (consumer_group, topic, \"partition\", next_offset) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (consumer_group, topic, \"partition\") DO UPDATE SET next_offset = EXCLUDED.next_offset,"
                + " updated_at = now()")) {
            for (Map.Entry<TopicPartition, Long> offset : offsets.entrySet()) {
                ps.setString(1, group);
                ps.setString(2, offset.getKey().topic());
                ps.setInt(3, offset.getKey().partition());
                ps.setLong(4, offset.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Moves a table that is not derived from the log (the data keys of docs/privacy.md: a rebuild cannot make them
     * again) from the live schema into the shadow, replacing the shadow's empty one, in the swap's transaction: the
     * rebuilt schema goes live with every key, also those made during the rebuild.
     */
    static void carryOver(Connection c, String live, String shadow, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + Sql.table(shadow, table));
            s.execute("ALTER TABLE IF EXISTS " + Sql.table(live, table) + " SET SCHEMA " + Sql.quote(shadow));
        }
    }

    static void rename(Connection c, String from, String to) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER SCHEMA " + Sql.quote(from) + " RENAME TO " + Sql.quote(to));
        }
    }

    static void drop(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + Sql.quote(schema) + " CASCADE");
        }
    }
}
