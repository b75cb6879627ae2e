package dev.agentlog.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Holds the one source of time ({@link TimeRules}); the second test shows each kind of breach failing. */
class TimeRulesTest {
    @Test
    void shouldWaitAndReadTheWallClockOnlyThroughSupport() throws IOException {
        assertThat(TimeRules.violations(Path.of(".."))).isEmpty();
    }

    @Test
    void shouldReportEachWayOfWaitingOrReadingTheClockBehindItsBack() {
        assertThat(TimeRules.violations("S.java", "Thread.sleep(100);"))
                .containsExactly("S.java: Thread.sleep( (use a Sleeper (in a Retry or a Poll) of dev.agentlog.support.time)");
        assertThat(TimeRules.violations("S.java", "TimeUnit.SECONDS.sleep(1);")).hasSize(1);
        assertThat(TimeRules.violations("S.java", "LockSupport.parkNanos(1_000);")).hasSize(1);
        assertThat(TimeRules.violations("S.java", "long at = System.currentTimeMillis();")).hasSize(1);
        assertThat(TimeRules.violations("S.java", "this(Clock.systemUTC());")).hasSize(1);
        assertThat(TimeRules.violations("S.java", "var t = OffsetDateTime.now();")).hasSize(1);
        assertThat(TimeRules.violations("S.java", "var t = Instant.now( );")).hasSize(1);
        assertThat(TimeRules.violations("S.java", "var t = OffsetDateTime.now(time.clock());"))
                .as("now() on an injected clock").isEmpty();
        assertThat(TimeRules.violations("S.java", "long t0 = System.nanoTime();")).as("a stopwatch").isEmpty();
        assertThat(TimeRules.violations("S.java", "/** {@code Event.of(id, a, OffsetDateTime.now(), p)} */"))
                .as("a comment").isEmpty();
        assertThat(TimeRules.violations("S.java", "String s = \"Thread.sleep(1)\";")).as("a string").isEmpty();
    }
}
