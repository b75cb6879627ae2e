package dev.agentlog.app.cli;

import dev.agentlog.app.Secrets;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.sink.SinkSettings;

/** Where the projections' PostgreSQL is and how to reach it. */
public final class PostgresOptions extends SettingGroup {
    public static final Setting<String> PG_URL = Setting.text("pg-url").label("JDBC_URL").shownAs(Secrets::maskJdbcUrl)
            .check(url -> url.startsWith("jdbc:postgresql:") ? null : "must start with jdbc:postgresql:")
            .doc("PostgreSQL JDBC URL of the projections, e.g. jdbc:postgresql://db:5432/agentlog. `up` starts a local PostgreSQL when this is not set.");
    public static final Setting<String> PG_USER = Setting.text("pg-user").label("USER")
            .doc("PostgreSQL user (or put it in --pg-url).");
    public static final Setting<String> PG_PASSWORD = Setting.secret("pg-password").label("PASSWORD")
            .doc("PostgreSQL password. Never logged; prefer --pg-password-file or the environment.");
    public static final Setting<String> PG_SCHEMA = Setting.text("pg-schema").defaultsTo(SinkSettings.DEFAULT_SCHEMA)
            .label("SCHEMA").check(Check.matches("[a-z_][a-z0-9_]{0,62}", "a lower-case SQL identifier"))
            .doc("Schema of the projection tables; created and migrated at start.");
    public static final Setting<Integer> PG_POOL_SIZE = Setting.count("pg-pool-size").defaultsTo(4)
            .check(Check.between(1, 1000)).doc("Connections in the pool of each process.");

    public PostgresOptions() {
        super(PG_URL, PG_USER, PG_PASSWORD, PG_SCHEMA, PG_POOL_SIZE);
    }

    /** For the commands that read or write a PostgreSQL of the user's. */
    public static PostgresOptions required() {
        PostgresOptions options = new PostgresOptions();
        options.require(PG_URL);
        return options;
    }

    public String url() {
        return get(PG_URL);
    }

    public String user() {
        return get(PG_USER);
    }

    public String password() {
        return get(PG_PASSWORD);
    }

    public String schema() {
        return get(PG_SCHEMA);
    }

    public int poolSize() {
        return get(PG_POOL_SIZE);
    }

    /** The database given by --pg-url, --pg-user, --pg-password. */
    public PostgresTarget target() {
        return new PostgresTarget(url(), user(), password());
    }
}
