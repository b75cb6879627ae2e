package dev.agentlog.app.wiring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;

/** The connection pool of one process. Fails fast with the URL (password masked) when PostgreSQL refuses. */
public final class Database {
    private Database() {}

    public static HikariDataSource pool(String jdbcUrl, String user, String password, int poolSize, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isEmpty()) {
            config.setUsername(user);
        }
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        // Multi-row INSERTs are what the sink's batch path is built on.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Plan every statement for its parameters. The sink's lookups (event_id = ANY(?), DELETE ... key = ANY(?)) are
        // prepared on the server after a few runs; PostgreSQL then keeps a generic plan made when the table was small,
        // a sequential scan, and keeps it while the table grows, until autovacuum next analyzes it: batches took
        // seconds on tables the sink had just started filling. Planning costs a fraction of a millisecond per batch.
        config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
        config.setInitializationFailTimeout(30_000);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + Secrets.maskJdbcUrl(jdbcUrl)
                    + (user != null ? " as " + user : "") + ": " + rootMessage(e)
                    + " (check --pg-url, --pg-user, --pg-password)", e);
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
