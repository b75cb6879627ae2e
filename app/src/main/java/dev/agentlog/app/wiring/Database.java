package dev.agentlog.app.wiring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;

/** The connection pool of one process. Fails fast with the URL (password masked) when PostgreSQL refuses. */
public final class Database {
    /** What each direct session asks the server, so that a client gone from the network is let go within ~30 s. */
    static final String DEAD_CLIENT_DETECTION = "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
            + "SET tcp_keepalives_count = 3; SET tcp_user_timeout = 30000";

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
            //
            // And have the server notice a client that is gone from the network (its host cut off, its cable pulled),
            // as it notices one that closed its connection: a sink worker's open batch holds its partitions' offset
            // rows, and the worker that takes those partitions over waits on them until this session ends. Left to
            // the operating system's defaults (keepalive after 2 hours; unacknowledged data retried for about 15
            // minutes) the takeover waited that long (SinkHostCutOffTest). Probes after 10 s of silence, 3 every 5 s;
            // data unacknowledged for 30 s ends the session too. Session settings, so only on a direct connection
            // (through PgBouncer, its own server_tcp_keepalive settings apply); PostgreSQL 12 or later, as
            // plan_cache_mode is.
            config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan; " + DEAD_CLIENT_DETECTION);
        }
        config.setInitializationFailTimeout(30_000);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + target.masked() + ": " + rootMessage(e)
                    + " (check --pg-url, --pg-user, --pg-password; TLS: sslmode and sslrootcert in the URL)", e);
        }
    }

    /**
     * {@code pool}, its callers waiting at most {@code millis} for a connection (Hikari's least is 250 ms) instead of
     * Hikari's 30 s: for the data keys of a part that answers within a deadline. With encryption on and PostgreSQL
     * away, ingest reads the key of a subject it has not cached; it answers 503 once the read fails, and with the
     * default wait each such request held an HTTP thread for 30 s first (clients timed out, threads ran out).
     */
    public static HikariDataSource waitingAtMost(HikariDataSource pool, long millis) {
        pool.setConnectionTimeout(Math.max(250, millis));
        return pool;
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
