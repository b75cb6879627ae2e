package dev.agentlog.app.wiring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;

/** The connection pool of one process. Fails fast with the URL (password masked) when PostgreSQL refuses. */
public final class Database {
    private Database() {}

    /** A pool of direct connections. */
    public static HikariDataSource pool(String jdbcUrl, String user, String password, int poolSize, String name) {
        return pool(PostgresTarget.direct(jdbcUrl, user, password), poolSize, name, false);
    }

    /**
     * A pool of connections to {@code target}.
     *
     * @param readOnly every transaction read only (BEGIN READ ONLY): for the query API
     */
    public static HikariDataSource pool(PostgresTarget target, int poolSize, String name, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.url());
        if (target.user() != null && !target.user().isEmpty()) {
            config.setUsername(target.user());
        }
        if (target.password() != null && !target.password().isEmpty()) {
            config.setPassword(target.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        config.setReadOnly(readOnly);
        // Multi-row INSERTs are what the sink's batch path is built on.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (target.pooler() == PostgresTarget.PgPooler.TRANSACTION) {
            // No server-side prepared statements: the next transaction may run on another server session, where a
            // statement this one prepared does not exist (or another client's of the same name does: "prepared
            // statement S_2 already exists"). Every statement is then parsed and planned for its parameters, which is
            // what plan_cache_mode below asks for on a direct connection.
            config.addDataSourceProperty("prepareThreshold", "0");
        } else {
            // Plan every statement for its parameters. The sink's lookups (event_id = ANY(?), DELETE ... key = ANY(?))
            // are prepared on the server after a few runs; PostgreSQL then keeps a generic plan made when the table was
            // small, a sequential scan, and keeps it while the table grows, until autovacuum next analyzes it: batches
            // took seconds on tables the sink had just started filling. Planning costs a fraction of a millisecond per
            // batch. A session setting, so only on a connection that is one session.
            config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
        }
        config.setInitializationFailTimeout(30_000);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + target.masked() + ": " + rootMessage(e)
                    + " (check --pg-url, --pg-user, --pg-password; TLS: sslmode and sslrootcert in the URL)", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return Secrets.maskJdbcUrl(message);
    }
}
