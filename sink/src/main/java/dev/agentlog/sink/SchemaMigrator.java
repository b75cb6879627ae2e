package dev.agentlog.sink;

import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the sink's tables with Flyway's versioned migrations in
 * {@code classpath:db/agentlog} ({@code V1__projections.sql}, ...). The migrations use unqualified
 * names, so the same tables can be built in any schema (a rebuild into a shadow schema, a test's own).
 * Safe to call on every start: applied migrations are skipped.
 */
public final class SchemaMigrator {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    public static final String LOCATION = "classpath:db/agentlog";
    /** The version the migrations in {@link #LOCATION} bring a schema to (SchemaMigratorTest holds it to the files). */
    public static final int LATEST_VERSION = 8;

    private SchemaMigrator() {}

    /**
     * Migrates {@code schema} (created when missing) to the newest version; returns how many migrations ran.
     *
     * @throws IllegalArgumentException when the schema name is not a plain lower-case identifier
     */
    public static int migrate(DataSource dataSource, String schema) {
        // reuse the settings check so that a bad name fails the same way everywhere
        SinkSettings.defaults().withSchema(schema);
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations(LOCATION)
                .load()
                .migrate();
        log.info("[schema {}] at version {}, {} migration(s) applied", schema, result.targetSchemaVersion,
                result.migrationsExecuted);
        return result.migrationsExecuted;
    }

    /**
     * The version {@code schema} was migrated to, read with one plain query and no Flyway: no session state (so it
     * may go through a transaction pooler) and nothing a role that may only read rows cannot do. 0 when the schema
     * or its history is missing.
     */
    public static int version(DataSource dataSource, String schema) throws SQLException {
        SinkSettings.defaults().withSchema(schema);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet exists = s.executeQuery("SELECT to_regclass('" + Sql.quote(schema) + ".flyway_schema_history')")) {
                if (!exists.next() || exists.getString(1) == null) {
                    return 0;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT version FROM " + Sql.table(schema, "flyway_schema_history")
                    + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
                return rs.next() ? Integer.parseInt(rs.getString(1)) : 0;
            }
        }
    }
}
