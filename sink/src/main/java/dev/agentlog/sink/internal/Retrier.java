package dev.agentlog.sink.internal;

import dev.agentlog.sink.SinkFatalException;
import dev.agentlog.sink.SqlFailures;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries with exponential backoff and jitter, for work that is idempotent as a whole (a
 * transaction that either committed or not; a dead-letter send). Every retry is logged ("attempt 3 of
 * 10"); an interrupt during a backoff is restored and stops the retries. Failures are classified by
 * {@link SqlFailures} only: retriable ones are retried, poison ones are handed back to the caller,
 * fatal ones and exhausted retries stop the sink with {@link SinkFatalException}.
 */
public final class Retrier {
    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits; returns false when the wait was cut short because the sink is stopping. */
        boolean sleep(long millis) throws InterruptedException;

        Sleeper THREAD_SLEEP = millis -> {
            Thread.sleep(millis);
            return true;
        };
    }

    /** One attempt of the work. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call() throws Exception;
    }

    private final String context;
    private final String schema;
    private final int maxAttempts;
    private final long backoffMs;
    private final long backoffMaxMs;
    private final Sleeper sleeper;
    private final SinkMetrics metrics;

    public Retrier(String context, String schema, int maxAttempts, long backoffMs, long backoffMaxMs, Sleeper sleeper,
            SinkMetrics metrics) {
        this.context = context;
        this.schema = schema;
        this.maxAttempts = maxAttempts;
        this.backoffMs = backoffMs;
        this.backoffMaxMs = backoffMaxMs;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    /** Runs PostgreSQL work: SQLExceptions classified, anything else is a bug and fatal. */
    public <T> T postgres(String what, Attempt<T> attempt) throws PoisonException {
        for (int n = 1; ; n++) {
            try {
                return attempt.call();
            } catch (SQLException e) {
                switch (SqlFailures.classify(e)) {
                    case POISON -> throw new PoisonException(e);
                    case FATAL -> throw new SinkFatalException(context + " " + what + ": "
                            + SqlFailures.advice(e, schema), e);
                    case RETRIABLE -> backOff(what, n, "SQLSTATE " + SqlFailures.sqlState(e) + ": " + e.getMessage(), e);
                }
            } catch (SinkFatalException | TargetTables.NotReady e) {
                throw e;
            } catch (Exception e) {
                throw new SinkFatalException(context + " " + what + " failed unexpectedly (" + e
                        + "); this is a bug, no event was skipped: report it with this message", e);
            }
        }
    }

    /** Runs Kafka work (a dead-letter send): every failure is retried. */
    public void kafka(String what, Attempt<?> attempt) {
        for (int n = 1; ; n++) {
            try {
                attempt.call();
                return;
            } catch (Exception e) {
                backOff(what, n, e.toString(), e);
            }
        }
    }

    private void backOff(String what, int attempt, String failure, Exception cause) {
        if (attempt >= maxAttempts) {
            throw new SinkFatalException(context + " " + what + " still failing after " + maxAttempts + " attempts ("
                    + failure + "). Stopping; no event was skipped: restart the sink when the cause is fixed, it resumes"
                    + " from the offsets stored in PostgreSQL.", cause);
        }
        long wait = Math.min(backoffMaxMs, backoffMs << Math.min(attempt - 1, 30));
        long jittered = wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1);
        log.warn("{} {} failed ({}), attempt {} of {}, retrying in {} ms", context, what, failure, attempt, maxAttempts,
                jittered);
        metrics.retried();
        try {
            if (!sleeper.sleep(jittered)) {
                throw new SinkFatalException(context + " stopping while waiting to retry " + what
                        + "; no event was skipped", cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkFatalException(context + " interrupted while waiting to retry " + what
                    + "; stopping, no event was skipped", e);
        }
    }
}
