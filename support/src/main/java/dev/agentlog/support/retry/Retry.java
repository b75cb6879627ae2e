package dev.agentlog.support.retry;

import dev.agentlog.support.time.Sleeper;
import dev.agentlog.support.time.Time;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry loop of agentlog: runs a piece of work, and when it fails in a way its domain calls
 * {@link FailureClass#RETRIABLE}, waits a back-off of its {@link RetryPolicy} and runs it again. The first failure is
 * logged as a warning with its context ("[sink g1] applying 12 records failed (SQLSTATE 08001: ...), attempt 1 (until
 * it succeeds), retrying in 200 ms; further attempts are logged at debug"), the later ones at debug, and a success
 * after failures once, at info: an outage of ten minutes is two lines, its start and its end, not hundreds.
 *
 * <p>Wrap only work that is idempotent as a whole: a transaction that either committed or not, a send of records
 * whose ids make a second copy harmless. A failure that is not retriable is thrown as it is, at once; so is one while
 * the thread is interrupted. When the policy runs out, {@link RetriesExhaustedException}; when the caller is stopping
 * (the sleeper cut short, an interrupt), {@link RetryStoppedException}, with the interrupt restored.
 *
 * <p>Immutable and thread-safe: one instance may serve several threads, each in its own loop.
 */
public final class Retry {
    private static final Logger log = LoggerFactory.getLogger(Retry.class);

    /** One attempt of the work. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call() throws Exception;
    }

    /** Hears of each retry before its back-off, and of the success that ends a run of failures (a metric, readiness). */
    @FunctionalInterface
    public interface Listener {
        void retrying(int failedAttempt, long backoffMs, Throwable failure);

        /** The work passed at attempt {@code attempt} (at least 2) after failing since {@code elapsedMs} ago. */
        default void recovered(int attempt, long elapsedMs) {}

        Listener NONE = (failedAttempt, backoffMs, failure) -> { };
    }

    private final String context;
    private final RetryPolicy policy;
    private final Time time;
    private final Sleeper sleeper;
    private final RetryPolicy.Jitter jitter;
    private final Listener listener;
    private final boolean quiet;

    private Retry(String context, RetryPolicy policy, Time time, Sleeper sleeper, RetryPolicy.Jitter jitter,
            Listener listener, boolean quiet) {
        this.context = Objects.requireNonNull(context, "context");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.time = Objects.requireNonNull(time, "time");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.quiet = quiet;
    }

    /**
     * Retries under {@code policy} on the machine's clock, random jitter, retries logged as warnings.
     *
     * @param context the prefix of every log line, e.g. {@code [sink g1]}
     */
    public static Retry of(String context, RetryPolicy policy) {
        return new Retry(context, policy, Time.SYSTEM, Sleeper.SYSTEM, RetryPolicy.Jitter.RANDOM, Listener.NONE, false);
    }

    /** Reads deadlines from {@code newTime} and waits with {@code newSleeper} (tests; a worker that can be stopped). */
    public Retry with(Time newTime, Sleeper newSleeper) {
        return new Retry(context, policy, newTime, newSleeper, jitter, listener, quiet);
    }

    /** Waits with {@code newSleeper}, on the same clock. */
    public Retry with(Sleeper newSleeper) {
        return new Retry(context, policy, time, newSleeper, jitter, listener, quiet);
    }

    public Retry withJitter(RetryPolicy.Jitter newJitter) {
        return new Retry(context, policy, time, sleeper, newJitter, listener, quiet);
    }

    public Retry withListener(Listener newListener) {
        return new Retry(context, policy, time, sleeper, jitter, newListener, quiet);
    }

    /** Logs the first failure at debug too: for waits where failures are expected (a server starting), not news. */
    public Retry quietly() {
        return new Retry(context, policy, time, sleeper, jitter, listener, true);
    }

    /**
     * Runs {@code attempt} until it returns, trying again after each failure {@code failures} calls retriable.
     *
     * @param what what the work is, for the log and the exceptions ("applying 12 records from ...")
     * @return what the successful attempt returned
     * @throws RetriesExhaustedException the policy ran out; the cause is the last failure
     * @throws RetryStoppedException     the caller is stopping: the sleeper was cut short, or the thread interrupted
     * @throws Exception                 a failure that is not retriable, as the attempt threw it
     */
    public <T> T run(String what, FailureClassifier failures, Attempt<T> attempt) throws Exception {
        long started = time.nanoTime();
        for (int n = 1; ; n++) {
            Exception failure;
            try {
                T result = attempt.call();
                if (n > 1) {
                    long elapsed = elapsedMs(started);
                    if (quiet) {
                        log.debug("{} {} succeeded at attempt {} after {} ms", context, what, n, elapsed);
                    } else {
                        log.info("{} {} succeeded at attempt {} after {} ms", context, what, n, elapsed);
                    }
                    listener.recovered(n, elapsed);
                }
                return result;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryStoppedException(context + " interrupted while " + what, true, e);
            } catch (Exception e) {
                failure = e;
            }
            if (failures.classify(failure) != FailureClass.RETRIABLE) {
                throw failure;
            }
            if (Thread.currentThread().isInterrupted()) {
                // e.g. Kafka's InterruptException: the work failed because the thread is being stopped
                throw new RetryStoppedException(context + " interrupted while " + what, true, failure);
            }
            backOff(what, n, started, failures.describe(failure), failure);
        }
    }

    private void backOff(String what, int failed, long started, String description, Exception failure) {
        long elapsedNanos = time.nanoTime() - started;
        if (!policy.allowsAnother(failed, elapsedNanos)) {
            throw new RetriesExhaustedException(context + " " + what, failed,
                    TimeUnit.NANOSECONDS.toMillis(elapsedNanos), description, failure);
        }
        long wait = Math.min(policy.jitteredBackoffMs(failed, jitter), policy.remainingMs(elapsedNanos));
        if (quiet || failed > 1) {
            log.debug("{} {} failed ({}), {}, retrying in {} ms", context, what, description, policy.attempt(failed),
                    wait);
        } else {
            log.warn("{} {} failed ({}), {}, retrying in {} ms; further attempts are logged at debug until one passes",
                    context, what, description, policy.attempt(failed), wait);
        }
        listener.retrying(failed, wait, failure);
        try {
            if (!sleeper.sleep(wait)) {
                throw new RetryStoppedException(context + " stopping while waiting to retry " + what, false, failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            RetryStoppedException stopped = new RetryStoppedException(context + " interrupted while waiting to retry "
                    + what, true, failure);
            stopped.addSuppressed(e);
            throw stopped;
        }
    }

    private long elapsedMs(long started) {
        return TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - started);
    }
}
