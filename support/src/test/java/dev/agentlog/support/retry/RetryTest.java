package dev.agentlog.support.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.agentlog.support.time.ManualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The retry loop on a manual clock: nothing here sleeps. */
class RetryTest {
    /** IOExceptions pass, anything else will not. */
    private static final FailureClassifier IO_PASSES = failure ->
            failure instanceof IOException ? FailureClass.RETRIABLE : FailureClass.FATAL;

    private final ManualTime time = new ManualTime();
    private final List<Integer> retried = new ArrayList<>();
    private final List<Integer> recovered = new ArrayList<>();

    private Retry retry(RetryPolicy policy) {
        return Retry.of("[test]", policy).with(time, time).withJitter((min, max) -> max)
                .withListener(new Retry.Listener() {
                    @Override
                    public void retrying(int failed, long backoffMs, Throwable failure) {
                        retried.add(failed);
                    }

                    @Override
                    public void recovered(int attempt, long elapsedMs) {
                        recovered.add(attempt);
                    }
                });
    }

    /** Work that fails {@code failures} times with {@code failure}, then answers "done". */
    private static Retry.Attempt<String> failing(int failures, Exception failure, AtomicInteger calls) {
        return () -> {
            if (calls.incrementAndGet() <= failures) {
                throw failure;
            }
            return "done";
        };
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void shouldTryAgainAfterEachRetriableFailureWithGrowingBackoffs() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String result = retry(RetryPolicy.attempts(5, 100, 1_000)).run("reading", IO_PASSES,
                failing(3, new IOException("connection reset"), calls));

        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(4);
        assertThat(time.sleeps()).containsExactly(100L, 200L, 400L);
        assertThat(retried).containsExactly(1, 2, 3);
    }

    @Test
    void shouldStopAfterTheLastAttemptWithTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        IOException down = new IOException("connection refused");

        assertThatThrownBy(() -> retry(RetryPolicy.attempts(3, 100, 1_000)).run("reading", IO_PASSES,
                failing(99, down, calls)))
                .isInstanceOf(RetriesExhaustedException.class)
                .hasMessageContaining("[test] reading still failing after 3 attempts")
                .hasMessageContaining("connection refused")
                .hasCause(down)
                .satisfies(e -> assertThat(((RetriesExhaustedException) e).attempts()).isEqualTo(3));
        assertThat(calls).hasValue(3);
        assertThat(time.sleeps()).containsExactly(100L, 200L);
    }

    @Test
    void shouldThrowAFailureThatIsNotRetriableAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException bug = new IllegalStateException("a bug");

        assertThatThrownBy(() -> retry(RetryPolicy.forever(100, 1_000)).run("reading", IO_PASSES, failing(99, bug, calls)))
                .isSameAs(bug);
        assertThat(calls).hasValue(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void shouldMakeTheLastAttemptAtTheDeadlineAndNoWaitPastIt() {
        AtomicInteger calls = new AtomicInteger();
        long started = time.nanoTime();
        List<Long> attemptsAt = new ArrayList<>();

        assertThatThrownBy(() -> retry(RetryPolicy.until(Duration.ofSeconds(2), 100, 400)).run("reading", IO_PASSES, () -> {
            attemptsAt.add((time.nanoTime() - started) / 1_000_000);
            calls.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(RetriesExhaustedException.class).hasMessageContaining("in 2000 ms");

        // 100, 200, 400, 400, 400, 400: 1,900 ms, then 100 left of the last 400
        assertThat(time.sleeps()).containsExactly(100L, 200L, 400L, 400L, 400L, 400L, 100L);
        assertThat(attemptsAt).last().isEqualTo(2_000L);
        assertThat(calls).hasValue(8);
    }

    @Test
    void shouldWaitOutAnOutageOfAnyLengthWithTheBackoffCapped() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String result = retry(RetryPolicy.forever(100, 30_000)).run("reading", IO_PASSES,
                failing(1_000, new IOException("down"), calls));

        assertThat(result).isEqualTo("done");
        assertThat(time.sleeps()).hasSize(1_000).allSatisfy(wait -> assertThat(wait).isBetween(100L, 30_000L));
        assertThat(time.sleeps().subList(100, 1_000)).containsOnly(30_000L);
    }

    @Test
    void shouldRestoreTheInterruptAndStopWhenInterruptedDuringABackoff() {
        AtomicInteger calls = new AtomicInteger();
        Retry interrupting = retry(RetryPolicy.forever(100, 1_000)).with(time, millis -> {
            throw new InterruptedException();
        });

        assertThatThrownBy(() -> interrupting.run("reading", IO_PASSES, failing(99, new IOException("down"), calls)))
                .isInstanceOf(RetryStoppedException.class)
                .hasMessageContaining("interrupted while waiting to retry reading")
                .satisfies(e -> assertThat(((RetryStoppedException) e).interrupted()).isTrue());
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldNotTryAgainWhenTheWorkWasInterrupted() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retry(RetryPolicy.forever(100, 1_000)).run("reading", IO_PASSES,
                failing(99, new InterruptedException(), calls)))
                .isInstanceOf(RetryStoppedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void shouldNotTryAgainWhenTheThreadIsInterruptedAfterARetriableFailure() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retry(RetryPolicy.forever(100, 1_000)).run("reading", IO_PASSES, () -> {
            calls.incrementAndGet();
            Thread.currentThread().interrupt(); // what Kafka's InterruptException does before it is thrown
            throw new IOException("interrupted I/O");
        })).isInstanceOf(RetryStoppedException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldStopWithoutRetryingWhenTheWaitIsCutShort() {
        AtomicInteger calls = new AtomicInteger();
        Retry stopping = retry(RetryPolicy.forever(100, 1_000)).with(time, millis -> false);

        assertThatThrownBy(() -> stopping.run("reading", IO_PASSES, failing(99, new IOException("down"), calls)))
                .isInstanceOf(RetryStoppedException.class)
                .hasMessageContaining("stopping while waiting to retry reading")
                .satisfies(e -> assertThat(((RetryStoppedException) e).interrupted()).isFalse());
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldLogTheFirstFailureAndTheSuccessAfterThemOnlyAtInfoOrAbove() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Retry.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Level was = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            retry(RetryPolicy.attempts(4, 100, 1_000)).run("reading", IO_PASSES,
                    failing(3, new IOException("connection reset"), new AtomicInteger()));
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(was);
        }

        assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "[test] reading failed (java.io.IOException: connection reset), attempt 1 of 4, retrying in 100 ms;"
                        + " further attempts are logged at debug until one passes",
                "[test] reading succeeded at attempt 4 after 700 ms");
        assertThat(recovered).containsExactly(4);
    }
}
