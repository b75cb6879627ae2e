package dev.agentlog.sink.internal;

import dev.agentlog.sink.SinkFatalException;
import dev.agentlog.sink.SqlFailures;
import dev.agentlog.support.kafka.KafkaFailures;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.retry.FailureClass;
import dev.agentlog.support.retry.FailureClassifier;
import dev.agentlog.support.retry.RetriesExhaustedException;
import dev.agentlog.support.retry.Retry;
import dev.agentlog.support.retry.RetryPolicy;
import dev.agentlog.support.retry.RetryStoppedException;
import dev.agentlog.support.time.Sleeper;
import java.sql.SQLException;

/**
 * The sink's side of agentlog's one {@link Retry}: what its outcomes mean for the sink. It wraps only work that is
 * idempotent as a whole (a transaction that either committed or not; a dead-letter send). PostgreSQL failures are
 * classified by {@link SqlFailures}, Kafka failures by {@link KafkaFailures}: retriable ones are retried under the
 * sink's policy, poison ones handed back to the caller, fatal ones (credentials, permissions, a missing table, a bug)
 * and exhausted retries stop the sink with {@link SinkFatalException}, as does a back-off cut short by a stop.
 *
 * <p>While work is being retried the sink's readiness component is down for this worker (PostgreSQL or Kafka
 * unreachable, out of disk, ...), and up again as soon as an attempt passes: {@code /readyz} and the
 * {@code agentlog.ready} gauge say so.
 */
public final class Retrier {
    private final String context;
    private final String schema;
    private final Retry retry;
    private final SinkMetrics metrics;
    private final Readiness.Component readiness;

    /**
     * @param sleeper how back-offs wait: cut short when the worker is asked to stop; tests record instead
     * @param metrics counts each retry
     * @param readiness the sink's component: down while a retry waits, up when an attempt passes
     */
    public Retrier(String context, String schema, RetryPolicy policy, Sleeper sleeper, SinkMetrics metrics,
            Readiness.Component readiness) {
        this.context = context;
        this.schema = schema;
        this.retry = Retry.of(context, policy).with(sleeper);
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /** Runs PostgreSQL work: SQLExceptions classified, anything else is a bug and fatal. */
    public <T> T postgres(String what, Retry.Attempt<T> attempt) throws PoisonException {
        try {
            return run(what, SqlFailures.CLASSIFIER, attempt);
        } catch (SQLException e) {
            if (SqlFailures.classify(e) == FailureClass.POISON) {
                readiness.up(context); // PostgreSQL answered: it refused one event's data
                throw new PoisonException(e);
            }
            throw new SinkFatalException(context + " " + what + ": " + SqlFailures.advice(e, schema), e);
        } catch (SinkFatalException | TargetTables.NotReady e) {
            throw e;
        } catch (Exception e) {
            throw new SinkFatalException(context + " " + what + " failed unexpectedly (" + e
                    + "); this is a bug, no event was skipped: report it with this message", e);
        }
    }

    /**
     * Runs Kafka work (a dead-letter send): passing failures are retried; a refusal (authorization, credentials, a
     * record Kafka will never take) stops the sink at once, naming it.
     */
    public void kafka(String what, Retry.Attempt<?> attempt) {
        try {
            run(what, KafkaFailures.CLASSIFIER, attempt);
        } catch (SinkFatalException e) {
            throw e;
        } catch (Exception e) {
            throw new SinkFatalException(context + " " + what + ": " + KafkaFailures.describe(e)
                    + ". Stopping; no event was skipped: restart the sink when the cause is fixed, it resumes from the"
                    + " offsets stored in PostgreSQL.", e);
        }
    }

    /**
     * What is being waited for, in words that may be shown on the open {@code /readyz}: the SQLSTATE or the exception
     * type, never a message (the driver's name the statement and its values, event data among them).
     */
    static String unavailable(Throwable failure) {
        if (failure instanceof SQLException sql) {
            String state = SqlFailures.sqlState(sql);
            return "PostgreSQL unavailable" + (state == null ? " (" + sql.getClass().getSimpleName() + ")"
                    : " (SQLSTATE " + state + ")");
        }
        return "Kafka unavailable (" + KafkaFailures.unwrap(failure).getClass().getSimpleName() + ")";
    }

    private <T> T run(String what, FailureClassifier failures, Retry.Attempt<T> attempt) throws Exception {
        try {
            return retry.withListener(new Retry.Listener() {
                @Override
                public void retrying(int failed, long backoffMs, Throwable failure) {
                    metrics.retried();
                    readiness.down(context, unavailable(failure));
                }

                @Override
                public void recovered(int attempt, long elapsedMs) {
                    readiness.up(context);
                }
            }).run(what, failures, attempt);
        } catch (RetriesExhaustedException e) {
            throw new SinkFatalException(e.getMessage() + ". Stopping; no event was skipped: restart the sink when the"
                    + " cause is fixed, it resumes from the offsets stored in PostgreSQL.", e.getCause());
        } catch (RetryStoppedException e) {
            throw new SinkFatalException(e.getMessage() + "; no event was skipped", e);
        }
    }
}
