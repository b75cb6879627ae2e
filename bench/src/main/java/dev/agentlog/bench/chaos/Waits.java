package dev.agentlog.bench.chaos;

import dev.agentlog.support.time.Poll;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Bounded polling on a condition whose check may fail while a part is down (a failure counts as "not yet"). */
final class Waits {
    private static final Poll POLL = Poll.every(Duration.ofMillis(100));

    private Waits() {}

    static void until(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        Exception[] last = new Exception[1];
        boolean held = POLL.until(timeout, () -> {
            try {
                return condition.call();
            } catch (Exception e) {
                last[0] = e;
                return false;
            }
        });
        if (!held) {
            IllegalStateException failure = new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            if (last[0] != null) {
                failure.initCause(last[0]);
            }
            throw failure;
        }
    }
}
