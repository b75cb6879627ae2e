package dev.agentlog.app.wiring;

import dev.agentlog.app.Secrets;

/**
 * A PostgreSQL agentlog connects to, and how: directly, or through a transaction pooler.
 *
 * @param url      the JDBC URL, with its TLS parameters (sslmode, sslrootcert, ...), which pgjdbc honours for every
 *                 connection of the pool
 * @param user     the user, or null for the URL's
 * @param password the password, or null
 * @param pooler   what the URL connects through
 */
public record PostgresTarget(String url, String user, String password, PgPooler pooler) {
    /** What a connection goes through. */
    public enum PgPooler {
        /** PostgreSQL itself, or a pooler in session mode: a connection is one server session. */
        NONE,
        /**
         * A pooler in transaction mode (PgBouncer {@code pool_mode=transaction}, Supabase's pooler on port 6543): each
         * transaction may run on another server session, so nothing may rest on session state (prepared statements,
         * {@code SET} outside a transaction).
         */
        TRANSACTION
    }

    /** A direct connection. */
    public static PostgresTarget direct(String url, String user, String password) {
        return new PostgresTarget(url, user, password, PgPooler.NONE);
    }

    /** The same database and pooler as another user. */
    public PostgresTarget as(String otherUser, String otherPassword) {
        return new PostgresTarget(url, otherUser, otherPassword, pooler);
    }

    /** URL (password masked) and user; safe to print. */
    public String masked() {
        return Secrets.maskJdbcUrl(url) + (user == null || user.isEmpty() ? "" : " (user " + user + ")");
    }

    @Override
    public String toString() {
        return masked() + (pooler == PgPooler.TRANSACTION ? " through a transaction pooler" : "");
    }
}
