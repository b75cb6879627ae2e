package dev.agentlog.app.runtime;

/** A running PostgreSQL server process, however it was started. */
interface PostgresServer {
    /** Where the binaries came from, for logs: e.g. "bundled binaries" or "/usr/lib/postgresql/15/bin". */
    String origin();

    PostgresClusterDirectory.Source source();

    /** Stops the server (fast shutdown: open sessions are ended, committed data is kept). */
    void stop();
}
