package dev.agentlog.sink;

/**
 * The sink cannot go on without an operator: bad credentials, a missing schema or table, PostgreSQL
 * unreachable past every retry, a bug. The message says what and what to do; no event was skipped,
 * a restart resumes from the offsets stored in PostgreSQL.
 */
public class SinkFatalException extends RuntimeException {
    public SinkFatalException(String message, Throwable cause) {
        super(message, cause);
    }
}
