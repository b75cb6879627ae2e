package dev.agentlog.app.runtime;

/**
 * A local service (the embedded Kafka broker or the local PostgreSQL) could not start. The message is
 * written for the person running the CLI: it names the port, directory or package involved.
 */
public final class LocalServiceStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalServiceStartException(String message) {
        super(message);
    }

    public LocalServiceStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
