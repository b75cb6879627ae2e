package dev.agentlog.app.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waiting for a condition: the alternative to a bare sleep. */
final class Polling {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Polling() {
    }

    /**
     * Checks {@code condition} every 100 ms until it holds or {@code timeout} passes.
     *
     * @return whether the condition held before the deadline
     */
    static boolean awaitCondition(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
    }
}
