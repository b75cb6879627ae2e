package dev.agentlog.support.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounded waiting for a condition, the alternative to a bare sleep: checks it, and again every interval, until it
 * holds or the time is up. For a state that becomes true by itself (a broker that answers, a topic that has a
 * leader). Work that fails and is tried again is a {@code Retry}. Immutable.
 */
public final class Poll {
    private final Duration interval;
    private final Time time;
    private final Sleeper sleeper;

    private Poll(Duration interval, Time time, Sleeper sleeper) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a poll interval must be positive, was " + interval);
        }
        this.interval = interval;
        this.time = Objects.requireNonNull(time, "time");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Checks every {@code interval}, on the machine's clock. */
    public static Poll every(Duration interval) {
        return new Poll(interval, Time.SYSTEM, Sleeper.SYSTEM);
    }

    /** The same poll on another clock (tests). */
    public Poll with(Time newTime, Sleeper newSleeper) {
        return new Poll(interval, newTime, newSleeper);
    }

    /**
     * Checks {@code condition} at once and then every interval, until it holds or {@code timeout} has passed (it is
     * checked once more at the deadline). An exception of the condition ends the poll and is thrown as it is.
     *
     * @return whether the condition held in time; false also when the sleeper was cut short
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = time.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long remainingNanos = deadline - time.nanoTime();
            if (remainingNanos <= 0) {
                return false;
            }
            long wait = Math.min(interval.toMillis(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos)));
            if (!sleeper.sleep(wait)) {
                return false;
            }
        }
    }
}
