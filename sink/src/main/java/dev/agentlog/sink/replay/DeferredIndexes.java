package dev.agentlog.sink.replay;

import dev.agentlog.sink.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * The secondary indexes a replay does not read: those of {@code events} and {@code block_versions} that
 * enforce nothing (not unique, not a key). A rebuild drops them from the fresh shadow schema before it replays
 * and builds them again once the rows are in: one sorted build per index instead of a random insert per row.
 * Their definitions wait in a table of the shadow schema, {@value #TABLE}, so that a rebuild resumed after a
 * crash still builds them. Whatever later migrations add to those tables is handled the same way.
 */
final class DeferredIndexes {
    static final String TABLE = "rebuild_deferred_indexes";
    private static final String[] TABLES = {"events", "block_versions"};

    private DeferredIndexes() {}

    /** Drops the indexes (remembering them); returns how many were dropped now. */
    static int defer(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + Sql.table(schema, TABLE)
                    + " (name text PRIMARY KEY, definition text NOT NULL)");
        }
        Map<String, String> found = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " WHERE n.nspname = ? AND t.relname = ANY(?) AND NOT x.indisunique AND NOT x.indisprimary ORDER BY 1")) {
            ps.setString(1, schema);
            ps.setArray(2, c.createArrayOf("text", TABLES));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        try (PreparedStatement remember = c.prepareStatement("INSERT INTO " + Sql.table(schema, TABLE)
                + " (name, definition) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
             Statement s = c.createStatement()) {
            for (Map.Entry<String, String> index : found.entrySet()) {
                remember.setString(1, index.getKey());
                remember.setString(2, index.getValue());
                remember.executeUpdate();
                s.execute("DROP INDEX " + Sql.table(schema, index.getKey()));
            }
        }
        return found.size();
    }

    /**
     * Builds the remembered indexes, {@code parallel} at a time (each on a connection of its own: the build of one
     * index is one backend's work, and the rebuild waits for all of them), and forgets them; returns how many were
     * built.
     */
    static int restore(DataSource dataSource, String schema, int parallel) throws SQLException {
        List<String> definitions = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!SchemaSwap.hasTable(c, schema, TABLE)) {
                return 0;
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT definition FROM " + Sql.table(schema, TABLE) + " ORDER BY name")) {
                while (rs.next()) {
                    definitions.add(rs.getString(1));
                }
            }
        }
        ExecutorService builders = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, definitions.size())),
                r -> {
                    Thread t = new Thread(r, "agentlog-rebuild-index");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<Void>> builds = new ArrayList<>();
            for (String definition : definitions) {
                builds.add(builders.submit(() -> {
                    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                        c.setAutoCommit(true);
                        // sorts in memory rather than in temporary files; this session only
                        s.execute("SET maintenance_work_mem = '256MB'");
                        s.execute(definition);
                        s.execute("RESET maintenance_work_mem");
                    }
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
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("DROP TABLE " + Sql.table(schema, TABLE));
        }
        return definitions.size();
    }
}
