package dev.agentlog.app.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Bounded polling on a condition: the only way tests wait. */
public final class Await {
    private Await() {}

    public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.call();
                if (done.test(last)) {
                    return last;
                }
                lastError = null;
            } catch (Exception e) {
                lastError = e;
            }
            Thread.onSpinWait();
            Thread.sleep(20); // poll interval, not synchronization: the condition decides
        }
        AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + what + "; last value: " + last);
        if (lastError != null) {
            error.initCause(lastError);
        }
        throw error;
    }
}
