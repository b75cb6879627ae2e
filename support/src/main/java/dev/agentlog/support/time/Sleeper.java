package dev.agentlog.support.time;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a retry or a poll waits: the one place agentlog sleeps. Injected beside a {@link Time}, so that a test records
 * the waits instead of sleeping them, and a worker that is asked to stop cuts its wait short.
 */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps on the calling thread ({@link Thread#sleep(long)}); never cut short but by an interrupt. */
    Sleeper SYSTEM = millis -> {
        Thread.sleep(millis);
        return true;
    };

    /**
     * Waits {@code millis}.
     *
     * @return false when the wait was cut short because the caller is stopping (then nothing should be tried again)
     * @throws InterruptedException when the thread is interrupted
     */
    boolean sleep(long millis) throws InterruptedException;

    /** Waits, and returns false as soon as {@code stop} is counted down: a stop never waits for a long back-off. */
    static Sleeper until(CountDownLatch stop) {
        return millis -> !stop.await(millis, TimeUnit.MILLISECONDS);
    }
}
