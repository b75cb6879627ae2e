package dev.agentlog.support.time;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Time that moves only when told to, or when something sleeps on it: tests wait without waiting. */
public final class ManualTime implements Time, Sleeper {
    private long nanos = TimeUnit.DAYS.toNanos(1);
    private long epochMillis = 1_800_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return epochMillis;
    }

    /** Records the wait and moves the clocks past it at once. */
    @Override
    public synchronized boolean sleep(long millis) {
        sleeps.add(millis);
        advance(millis);
        return true;
    }

    public synchronized void advance(long millis) {
        nanos += TimeUnit.MILLISECONDS.toNanos(millis);
        epochMillis += millis;
    }

    /** Every wait slept so far, in order. */
    public synchronized List<Long> sleeps() {
        return List.copyOf(sleeps);
    }

    public synchronized long slept() {
        return sleeps.stream().mapToLong(Long::longValue).sum();
    }
}
