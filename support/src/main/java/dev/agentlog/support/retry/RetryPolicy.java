package dev.agentlog.support.retry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long and how often to try again: a bound (a number of attempts, a deadline, or none: until it succeeds), and
 * an exponential back-off from {@code firstBackoffMs}, doubled after each failure up to {@code maxBackoffMs}, with
 * "equal jitter" (a wait is drawn between half the back-off and all of it, so that workers that failed together do
 * not come back together). Immutable; {@link Retry} applies it.
 *
 * @param maxAttempts    attempts in all, the first included; 0 for no bound on the number
 * @param deadline       how long after the first attempt began the last may begin; null for no deadline
 * @param firstBackoffMs the back-off after the first failure, at least 1
 * @param maxBackoffMs   the longest back-off, at least {@code firstBackoffMs}
 */
public record RetryPolicy(int maxAttempts, Duration deadline, long firstBackoffMs, long maxBackoffMs) {
    /** Draws a wait in a range: the source of jitter, given so that tests can pin it. */
    @FunctionalInterface
    public interface Jitter {
        /** A value in {@code [min, max]}. */
        long between(long min, long max);

        Jitter RANDOM = (min, max) -> java.util.concurrent.ThreadLocalRandom.current().nextLong(min, max + 1);
    }

    public RetryPolicy {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0 (0: no bound), was " + maxAttempts);
        }
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be positive (null: none), was " + deadline);
        }
        if (firstBackoffMs < 1) {
            throw new IllegalArgumentException("firstBackoffMs must be >= 1, was " + firstBackoffMs);
        }
        if (maxBackoffMs < firstBackoffMs) {
            throw new IllegalArgumentException("maxBackoffMs must be >= firstBackoffMs (" + firstBackoffMs + "), was "
                    + maxBackoffMs);
        }
    }

    /** At most {@code maxAttempts} attempts (at least 1). */
    public static RetryPolicy attempts(int maxAttempts, long firstBackoffMs, long maxBackoffMs) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        return new RetryPolicy(maxAttempts, null, firstBackoffMs, maxBackoffMs);
    }

    /** Attempts until {@code deadline} after the first began, however many that makes. */
    public static RetryPolicy until(Duration deadline, long firstBackoffMs, long maxBackoffMs) {
        return new RetryPolicy(0, deadline, firstBackoffMs, maxBackoffMs);
    }

    /** Attempts until one succeeds, waiting at most {@code maxBackoffMs} between two: an outage is waited out. */
    public static RetryPolicy forever(long firstBackoffMs, long maxBackoffMs) {
        return new RetryPolicy(0, null, firstBackoffMs, maxBackoffMs);
    }

    /** The back-off before attempt {@code failed + 1}, before jitter: {@code firstBackoffMs * 2^(failed-1)}, capped. */
    public long backoffMs(int failed) {
        if (failed < 1) {
            throw new IllegalArgumentException("a back-off follows a failed attempt (>= 1), was " + failed);
        }
        int shift = failed - 1;
        // firstBackoffMs << shift stays positive while shift < the leading zeros of firstBackoffMs minus the sign bit
        boolean overflows = shift >= Long.numberOfLeadingZeros(firstBackoffMs) - 1;
        return overflows ? maxBackoffMs : Math.min(maxBackoffMs, firstBackoffMs << shift);
    }

    /** The wait before attempt {@code failed + 1}: the back-off with jitter, in {@code [backoff/2, backoff]}. */
    public long jitteredBackoffMs(int failed, Jitter jitter) {
        long backoff = backoffMs(failed);
        long wait = jitter.between(backoff / 2, backoff);
        if (wait < backoff / 2 || wait > backoff) {
            throw new IllegalStateException("jitter out of [" + backoff / 2 + ", " + backoff + "]: " + wait);
        }
        return wait;
    }

    /**
     * Whether another attempt may follow {@code made} failed ones, {@code elapsedNanos} after the first began: the
     * attempts are not used up and the deadline has not passed.
     */
    public boolean allowsAnother(int made, long elapsedNanos) {
        return (maxAttempts == 0 || made < maxAttempts) && (deadline == null || elapsedNanos < deadline.toNanos());
    }

    /** The time left before the deadline, in ms (Long.MAX_VALUE without one): no wait goes past it. */
    public long remainingMs(long elapsedNanos) {
        return deadline == null ? Long.MAX_VALUE
                : Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline.toNanos() - elapsedNanos));
    }

    /** "attempt 3 of 10", "attempt 3 (for up to 10 min)", "attempt 3 (until it succeeds)". */
    public String attempt(int n) {
        if (maxAttempts > 0) {
            return "attempt " + n + " of " + maxAttempts + (deadline == null ? "" : " (for up to " + human(deadline) + ")");
        }
        return "attempt " + n + (deadline == null ? " (until it succeeds)" : " (for up to " + human(deadline) + ")");
    }

    /** A duration as people read it: 500 ms, 90 s, 10 min. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000 || ms % 1_000 != 0) {
            return ms + " ms";
        }
        long s = ms / 1_000;
        return s < 60 || s % 60 != 0 ? s + " s" : s / 60 + " min";
    }
}
