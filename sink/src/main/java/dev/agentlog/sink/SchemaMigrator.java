package dev.agentlog.sink;

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
}
