package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.PostgresTarget;
import dev.agentlog.app.wiring.PostgresTarget.PgPooler;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the projections' PostgreSQL is and how to reach it: TLS in the URL (sslmode, sslrootcert, ...), a transaction
 * pooler in between or not, and the connection the schema's migrations run on (its owner's, direct).
 */
public final class PostgresOptions extends SettingGroup {
    private static final Logger log = LoggerFactory.getLogger(PostgresOptions.class);
    /** Flyway holds one connection for its history table and migrates on another. */
    static final int MIGRATION_CONNECTIONS = 2;
    private static final Pattern PREPARE_THRESHOLD = Pattern.compile("(?i)[?&]prepareThreshold=([^&]*)");

    public static final Setting<String> PG_URL = Setting.text("pg-url").label("JDBC_URL").shownAs(Secrets::maskJdbcUrl)
            .check(PostgresOptions::jdbcUrlProblem)
            .doc("PostgreSQL JDBC URL of the projections, e.g. jdbc:postgresql://db:5432/agentlog?sslmode=verify-full&sslrootcert=/etc/ca.crt. `up` starts a local PostgreSQL when this is not set.");
    public static final Setting<String> PG_USER = Setting.text("pg-user").label("USER")
            .doc("PostgreSQL user (or put it in --pg-url).");
    public static final Setting<String> PG_PASSWORD = Setting.secret("pg-password").label("PASSWORD")
            .doc("PostgreSQL password. Never logged; prefer --pg-password-file or the environment.");
    public static final Setting<String> PG_SCHEMA = Setting.text("pg-schema").defaultsTo(SinkSettings.DEFAULT_SCHEMA)
            .label("SCHEMA").check(Check.matches("[a-z_][a-z0-9_]{0,62}", "a lower-case SQL identifier"))
            .doc("Schema of the projection tables; created and migrated at start.");
    public static final Setting<Integer> PG_POOL_SIZE = Setting.count("pg-pool-size").defaultsTo(4)
            .check(Check.between(1, 1000)).doc("Connections in the pool of each process.");
    public static final Setting<PgPooler> PG_POOLER = Setting.choice("pg-pooler", PgPooler.class).defaultsTo(PgPooler.NONE)
            .doc("What --pg-url goes through: none (PostgreSQL, or a pooler in session mode) or transaction (PgBouncer in transaction mode, Supabase's pooler on port 6543): no server-side prepared statements, no session settings; the migrations then need --pg-migrate-url.");
    public static final Setting<String> PG_MIGRATE_URL = Setting.text("pg-migrate-url").label("JDBC_URL")
            .shownAs(Secrets::maskJdbcUrl).check(PostgresOptions::jdbcUrlProblem)
            .doc("A direct connection (not a transaction pooler) for the schema's migrations at start and a rebuild's new schema. Default: --pg-url unless --pg-pooler transaction.");
    public static final Setting<String> PG_MIGRATE_USER = Setting.text("pg-migrate-user").label("USER")
            .doc("The schema's owner, who runs its migrations (`agentlog pg-roles`), when --pg-user may only write rows. Default: --pg-user.");
    public static final Setting<String> PG_MIGRATE_PASSWORD = Setting.secret("pg-migrate-password").label("PASSWORD")
            .doc("Password of --pg-migrate-user. Never logged.");

    public PostgresOptions() {
        super(PG_URL, PG_USER, PG_PASSWORD, PG_SCHEMA, PG_POOL_SIZE, PG_POOLER, PG_MIGRATE_URL, PG_MIGRATE_USER,
                PG_MIGRATE_PASSWORD);
    }

    /** For the commands that read or write a PostgreSQL of the user's. */
    public static PostgresOptions required() {
        PostgresOptions options = new PostgresOptions();
        options.require(PG_URL);
        return options;
    }

    @Override
    protected void check(List<String> problems) {
        String url = get(PG_URL);
        if (url != null && get(PG_POOLER) == PgPooler.TRANSACTION) {
            Matcher threshold = PREPARE_THRESHOLD.matcher(url);
            if (threshold.find() && !threshold.group(1).equals("0")) {
                problems.add(PG_URL.option() + " sets prepareThreshold=" + threshold.group(1) + ", but a transaction pooler"
                        + " (--pg-pooler transaction) cannot keep server-side prepared statements: remove it");
            }
        }
    }

    public String url() {
        return get(PG_URL);
    }

    public String user() {
        return get(PG_USER);
    }

    public String schema() {
        return get(PG_SCHEMA);
    }

    public int poolSize() {
        return get(PG_POOL_SIZE);
    }

    public PgPooler pooler() {
        return get(PG_POOLER);
    }

    /** The database given by --pg-url, --pg-user, --pg-password, through --pg-pooler. */
    public PostgresTarget target() {
        return new PostgresTarget(url(), user(), get(PG_PASSWORD), pooler());
    }

    /**
     * Where migrations run: --pg-migrate-url as --pg-migrate-user (each defaulting to --pg-url and --pg-user), always
     * a direct connection; null when --pg-url goes through a transaction pooler and no --pg-migrate-url is set.
     */
    public PostgresTarget migrationTarget() {
        String url = get(PG_MIGRATE_URL);
        if (url == null && pooler() == PgPooler.TRANSACTION) {
            return null;
        }
        String user = get(PG_MIGRATE_USER);
        return PostgresTarget.direct(url != null ? url : url(), user != null ? user : user(),
                user != null || get(PG_MIGRATE_PASSWORD) != null ? get(PG_MIGRATE_PASSWORD) : get(PG_PASSWORD));
    }

    /** True when migrations run on the pool of --pg-url itself (same URL, same user). */
    private boolean migratesThroughMainPool() {
        return get(PG_MIGRATE_URL) == null && get(PG_MIGRATE_USER) == null && pooler() == PgPooler.NONE;
    }

    /**
     * Brings the schema to the version this agentlog needs: nothing when it is there already (read with a plain
     * query, so a role that may only write rows and a transaction pooler are fine), else the migrations on
     * {@link #migrationTarget()}.
     *
     * @throws IllegalStateException when migrations are due and there is no connection they could run on
     */
    public void ensureSchema(DataSource pool) throws SQLException {
        String schema = schema();
        int version = SchemaMigrator.version(pool, schema);
        if (version >= SchemaMigrator.LATEST_VERSION) {
            log.info("[schema {}] at version {}, nothing to migrate", schema, version);
            return;
        }
        if (migratesThroughMainPool()) {
            SchemaMigrator.migrate(pool, schema);
            return;
        }
        PostgresTarget migrations = migrationTarget();
        if (migrations == null) {
            throw new IllegalStateException("schema " + schema + " is at version " + version + " and this agentlog needs "
                    + SchemaMigrator.LATEST_VERSION + ", but --pg-url goes through a transaction pooler, which cannot run"
                    + " migrations: set " + PG_MIGRATE_URL.option() + " to a direct connection (Supabase: port 5432), or"
                    + " run `agentlog migrate` against one first");
        }
        migrate(migrations);
    }

    /** Runs the migrations on {@code target}; returns how many ran. */
    int migrate(PostgresTarget target) {
        try (HikariDataSource direct = Database.pool(target, MIGRATION_CONNECTIONS, "agentlog-migrate", false)) {
            return SchemaMigrator.migrate(direct, schema());
        } catch (FlywayException e) {
            throw new IllegalStateException("migrating schema " + schema() + " on " + target.masked() + " failed: "
                    + e.getMessage().lines().findFirst().orElse("") + " (migrations run as the schema's owner on a direct"
                    + " connection: " + PG_MIGRATE_URL.option() + ", " + PG_MIGRATE_USER.option() + ")", e);
        }
    }

    private static String jdbcUrlProblem(String url) {
        return url.startsWith("jdbc:postgresql:") ? null : "must start with jdbc:postgresql:";
    }
}
