package dev.agentlog.sink.internal;

import java.sql.SQLException;

/** PostgreSQL refused the data of a batch (22xxx, 23xxx, 54000): one of its events is poison. */
public final class PoisonException extends Exception {
    private final SQLException failure;

    public PoisonException(SQLException failure) {
        super(failure.getMessage(), failure);
        this.failure = failure;
    }

    public SQLException failure() {
        return failure;
    }
}
