package dev.agentlog.app.cli;

import dev.agentlog.app.Secrets;

/** The PostgreSQL the parts write to, whether given by --pg-url or started locally. */
public record PostgresTarget(String url, String user, String password) {
    public String masked() {
        return Secrets.maskJdbcUrl(url) + (user == null || user.isEmpty() ? "" : " (user " + user + ")");
    }

    @Override
    public String toString() {
        return masked();
    }
}
