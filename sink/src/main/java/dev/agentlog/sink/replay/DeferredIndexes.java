package dev.agentlog.sink.replay;

import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * Indexes a rebuild builds once the rows are in (one sorted build per index instead of a random insert per row):
 * <ul>
 *   <li>the secondary indexes a replay does not read, those of {@code events} and {@code block_versions} that
 *       enforce nothing (not unique, not a key);</li>
 *   <li>with {@code uniqueKeys}, also the unique keys of {@code events} (its primary key, event_id, and
 *       {@code events_stream_position}), which the rebuild then keeps in memory and builds earlier if a batch needs
 *       them (see {@link ShadowTables}). Measured here: inserting 1M events into the
 *       two btrees cost PostgreSQL about 8 s, building them afterwards about 2 s.</li>
 * </ul>
 * The statements that restore them wait in a table of the shadow schema, {@value #TABLE}, so that a rebuild resumed
 * after a crash still builds them. Whatever later migrations add to those tables is handled the same way.
 */
final class DeferredIndexes {
    static final String TABLE = "rebuild_deferred_indexes";
    private static final String[] TABLES = {"events", "block_versions"};
    private static final String UNIQUE_KEYS_TABLE = "events";

    private DeferredIndexes() {}

    /**
     * Drops the indexes (remembering them); returns how many were dropped now.
     *
     * @param uniqueKeys also the unique keys of {@code events}
     */
    static int defer(Connection c, String schema, boolean uniqueKeys) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + Sql.table(schema, TABLE)
                    + " (name text PRIMARY KEY, definition text NOT NULL)");
            s.execute("ALTER TABLE " + Sql.table(schema, TABLE)
                    + " ADD COLUMN IF NOT EXISTS unique_key boolean NOT NULL DEFAULT false,"
                    + " ADD COLUMN IF NOT EXISTS attach text, ADD COLUMN IF NOT EXISTS built boolean NOT NULL DEFAULT false");
        }
        Map<String, String> indexes = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " WHERE n.nspname = ? AND t.relname = ANY(?) AND NOT x.indisunique AND NOT x.indisprimary ORDER BY 1")) {
            ps.setString(1, schema);
            ps.setArray(2, c.createArrayOf("text", TABLES));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    indexes.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        // a unique key comes back as its index (built beside the others: CREATE INDEX takes a lock that lets other
        // builds run) and then the constraint made from it (ALTER TABLE ... USING INDEX, a catalog change)
        Map<String, String[]> constraints = new LinkedHashMap<>();
        if (uniqueKeys) {
            try (PreparedStatement ps = c.prepareStatement("SELECT k.conname, pg_get_indexdef(k.conindid),"
                    + " CASE k.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END FROM pg_constraint k"
                    + " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                    + " WHERE n.nspname = ? AND t.relname = ? AND k.contype IN ('p', 'u') ORDER BY 1")) {
                ps.setString(1, schema);
                ps.setString(2, UNIQUE_KEYS_TABLE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        constraints.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                    }
                }
            }
        }
        String keysTable = Sql.table(schema, UNIQUE_KEYS_TABLE);
        try (PreparedStatement remember = c.prepareStatement("INSERT INTO " + Sql.table(schema, TABLE)
                + " (name, definition, unique_key, attach) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
             Statement s = c.createStatement()) {
            for (Map.Entry<String, String> index : indexes.entrySet()) {
                remember(remember, index.getKey(), index.getValue(), null);
                s.execute("DROP INDEX " + Sql.table(schema, index.getKey()));
            }
            for (Map.Entry<String, String[]> constraint : constraints.entrySet()) {
                String name = Sql.quote(constraint.getKey());
                remember(remember, constraint.getKey(), constraint.getValue()[0], "ALTER TABLE " + keysTable
                        + " ADD CONSTRAINT " + name + " " + constraint.getValue()[1] + " USING INDEX " + name);
                s.execute("ALTER TABLE " + keysTable + " DROP CONSTRAINT " + name);
            }
        }
        return indexes.size() + constraints.size();
    }

    private static void remember(PreparedStatement remember, String name, String definition, String attach)
            throws SQLException {
        remember.setString(1, name);
        remember.setString(2, definition);
        remember.setBoolean(3, attach != null);
        remember.setString(4, attach);
        remember.executeUpdate();
    }

    /** Builds the deferred unique keys of {@code events} now (before the rest); returns how many were built. */
    static int restoreUniqueKeys(DataSource dataSource, String schema) throws SQLException {
        return restore(dataSource, schema, 2, true);
    }

    /**
     * Builds every remembered index, {@code parallel} at a time (each on a connection of its own: the build of one
     * index is one backend's work, and the rebuild waits for all of them), and forgets them; returns how many were
     * built.
     */
    static int restore(DataSource dataSource, String schema, int parallel) throws SQLException {
        return restore(dataSource, schema, parallel, false);
    }

    private static int restore(DataSource dataSource, String schema, int parallel, boolean onlyUniqueKeys)
            throws SQLException {
        Map<String, String> builds = new LinkedHashMap<>();
        Map<String, String> attaches = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!SchemaSwap.hasTable(c, schema, TABLE)) {
                return 0;
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, definition, attach, built FROM " + Sql.table(schema, TABLE)
                         + (onlyUniqueKeys ? " WHERE unique_key" : "") + " ORDER BY unique_key DESC, name")) {
                while (rs.next()) {
                    if (!rs.getBoolean(4)) {
                        builds.put(rs.getString(1), rs.getString(2));
                    }
                    if (rs.getString(3) != null) {
                        attaches.put(rs.getString(1), rs.getString(3));
                    }
                }
            }
        }
        if (!builds.isEmpty()) {
            buildAll(dataSource, schema, parallel, builds, attaches.keySet());
        }
        for (Map.Entry<String, String> attach : attaches.entrySet()) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute(attach.getValue());
                forget(c, schema, attach.getKey());
                c.commit();
            }
        }
        if (!onlyUniqueKeys) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("DROP TABLE " + Sql.table(schema, TABLE));
            }
        }
        return builds.size();
    }

    private static void buildAll(DataSource dataSource, String schema, int parallel, Map<String, String> definitions,
            Set<String> attachedLater) throws SQLException {
        ExecutorService builders = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, definitions.size())),
                r -> {
                    Thread t = new Thread(r, "agentlog-rebuild-index");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<Void>> builds = new ArrayList<>();
            for (Map.Entry<String, String> definition : definitions.entrySet()) {
                builds.add(builders.submit(() -> {
                    build(dataSource, schema, definition.getKey(), definition.getValue(),
                            attachedLater.contains(definition.getKey()));
                    return null;
                }));
            }
            for (Future<Void> build : builds) {
                build.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("building a deferred index failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the deferred indexes", e);
        } finally {
            builders.shutdownNow();
        }
    }

    /**
     * Builds one index and, in the same transaction, forgets it or (a unique key's index, made a constraint later)
     * marks it built: a crash leaves it remembered, never half there.
     */
    private static void build(DataSource dataSource, String schema, String name, String definition,
            boolean attachedLater) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            // sorts in memory rather than in temporary files; this transaction only
            s.execute("SET LOCAL maintenance_work_mem = '256MB'");
            s.execute(definition);
            if (attachedLater) {
                try (PreparedStatement built = c.prepareStatement("UPDATE " + Sql.table(schema, TABLE)
                        + " SET built = true WHERE name = ?")) {
                    built.setString(1, name);
                    built.executeUpdate();
                }
            } else {
                forget(c, schema, name);
            }
            c.commit();
        }
    }

    private static void forget(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement forget = c.prepareStatement("DELETE FROM " + Sql.table(schema, TABLE) + " WHERE name = ?")) {
            forget.setString(1, name);
            forget.executeUpdate();
        }
    }
}
