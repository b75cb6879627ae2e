package dev.agentlog.sink;

import dev.agentlog.support.retry.FailureClass;
import dev.agentlog.support.retry.FailureClassifier;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * The one place that decides what a PostgreSQL failure means, by SQLSTATE
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html), or by exception type when the driver or the
 * pool gave none; never by message text. {@link FailureClass#RETRIABLE}: the same transaction again after a backoff
 * (nothing was written, nothing may be skipped); {@link FailureClass#POISON}: the data of one event is refused (find
 * it, dead-letter it, apply the rest); {@link FailureClass#FATAL}: stop with a clear message, an operator must act.
 */
public final class SqlFailures {
    /** {@link #classify} and the SQLSTATE with the message, for a {@code Retry}; anything but an SQLException is fatal. */
    public static final FailureClassifier CLASSIFIER = new FailureClassifier() {
        @Override
        public FailureClass classify(Throwable failure) {
            return failure instanceof SQLException sql ? SqlFailures.classify(sql) : FailureClass.FATAL;
        }

        @Override
        public String describe(Throwable failure) {
            return failure instanceof SQLException sql ? "SQLSTATE " + sqlState(sql) + ": " + sql.getMessage()
                    : failure.toString();
        }
    };

    private SqlFailures() {}

    public static FailureClass classify(SQLException failure) {
        String state = sqlState(failure);
        if (state == null) {
            // no SQLSTATE: the driver or the pool gave up on the connection (e.g. Hikari's connection timeout)
            return isConnectionTrouble(failure) ? FailureClass.RETRIABLE : FailureClass.FATAL;
        }
        if (state.startsWith("08") // connection exception
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") // shutdown, starting up
                || state.equals("40001") || state.equals("40P01") // serialization failure, deadlock
                || state.startsWith("53") // insufficient resources: too many connections, disk full
                || state.equals("55P03") // lock not available
                || state.equals("57014")) { // statement timeout / canceled
            return FailureClass.RETRIABLE;
        }
        if (state.startsWith("22") // data exception: NUL in text, bad unicode escape in jsonb, out of range
                || state.startsWith("23") // integrity constraint: e.g. another event at a taken (stream_id, stream_seq)
                || state.equals("54000")) { // program limit: e.g. a key too long for its index
            return FailureClass.POISON;
        }
        return FailureClass.FATAL;
    }

    /** The first SQLSTATE in the chain of causes and next exceptions. */
    public static String sqlState(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (e.getSQLState() != null) {
                        return e.getSQLState();
                    }
                }
            }
        }
        return null;
    }

    private static boolean isConnectionTrouble(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** What an operator should do about a fatal failure, in words. */
    public static String advice(SQLException failure, String schema) {
        String state = sqlState(failure);
        String what = "PostgreSQL failed (SQLSTATE " + state + "): " + failure.getMessage();
        if (state == null) {
            return what + ". Check that PostgreSQL is reachable at the configured URL.";
        }
        if (state.startsWith("28")) {
            return "PostgreSQL refused the credentials (SQLSTATE " + state + "). Check the user and password given"
                    + " for the PostgreSQL URL.";
        }
        if (state.equals("3F000") || state.equals("42P01")) {
            return "schema '" + schema + "' or one of its tables is missing (SQLSTATE " + state + ": "
                    + failure.getMessage() + "). Create the tables (the sink's schema migrations, SchemaMigrator; `agentlog"
                    + " up` runs them on start) or check --schema.";
        }
        if (state.equals("3D000")) {
            return "the database does not exist (SQLSTATE 3D000: " + failure.getMessage()
                    + "). Create it or fix the PostgreSQL URL.";
        }
        if (state.equals("42501")) {
            return "the PostgreSQL user may not use schema '" + schema + "' (SQLSTATE 42501: " + failure.getMessage()
                    + "). Grant it or use another user.";
        }
        return what + ". This is not a failure the sink can retry or dead-letter; report it with this message.";
    }
}
