package dev.agentlog.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where PostgreSQL is, or how to start a local one. */
public final class PostgresOptions {
    @Option(names = "--pg-url", paramLabel = "JDBC_URL",
            description = "PostgreSQL JDBC URL of the projections, e.g. jdbc:postgresql://db:5432/agentlog. `up` starts a local PostgreSQL when this is not set.")
    public String url;

    @Option(names = "--pg-user", paramLabel = "USER", description = "PostgreSQL user (or put it in --pg-url).")
    public String user;

    @Option(names = "--pg-password", paramLabel = "PASSWORD", description = "PostgreSQL password. Never logged; prefer the environment variable.")
    public String password;

    @Option(names = "--pg-schema", defaultValue = "agentlog", paramLabel = "SCHEMA",
            description = "Schema of the projection tables; created and migrated at start.")
    public String schema;

    @Option(names = "--pg-pool-size", defaultValue = "4", paramLabel = "N",
            description = "Connections in the pool of each process.")
    public int poolSize;

    @Option(names = "--pg-port", defaultValue = "15432", paramLabel = "PORT",
            description = "Port of the local PostgreSQL that `up` starts when --pg-url is not set.")
    public int localPort;

    @Option(names = "--pg-bin-dir", paramLabel = "DIR",
            description = "PostgreSQL server binaries (initdb, pg_ctl) for the local PostgreSQL when the bundled one cannot run. Default: the bundled binaries, then /usr/lib/postgresql/*/bin.")
    public Path binDir;

    public void validate() {
        if (poolSize < 1) {
            throw new IllegalArgumentException("--pg-pool-size must be >= 1, was " + poolSize);
        }
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--pg-url must start with jdbc:postgresql:, was " + dev.agentlog.app.Secrets.maskJdbcUrl(url));
        }
        if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("--pg-schema must be a lower-case SQL identifier, was '" + schema + "'");
        }
    }
}
