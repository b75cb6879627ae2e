package dev.agentlog.support.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
    private final ManualTime time = new ManualTime();
    private final Poll poll = Poll.every(Duration.ofMillis(100)).with(time, time);

    @Test
    void shouldCheckEveryIntervalUntilTheConditionHolds() throws Exception {
        AtomicInteger checks = new AtomicInteger();

        boolean held = poll.until(Duration.ofSeconds(10), () -> checks.incrementAndGet() == 4);

        assertThat(held).isTrue();
        assertThat(time.sleeps()).containsExactly(100L, 100L, 100L);
    }

    @Test
    void shouldGiveUpAtTheDeadlineAfterCheckingThere() throws Exception {
        AtomicInteger checks = new AtomicInteger();

        boolean held = poll.until(Duration.ofMillis(250), () -> {
            checks.incrementAndGet();
            return false;
        });

        assertThat(held).isFalse();
        assertThat(time.sleeps()).containsExactly(100L, 100L, 50L);
        assertThat(checks).hasValue(4);
    }

    @Test
    void shouldStopWhenTheWaitIsCutShort() throws Exception {
        assertThat(Poll.every(Duration.ofMillis(100)).with(time, millis -> false)
                .until(Duration.ofSeconds(10), () -> false)).isFalse();
    }

    @Test
    void shouldThrowWhatTheConditionThrows() {
        assertThatThrownBy(() -> poll.until(Duration.ofSeconds(1), () -> {
            throw new IllegalStateException("the processor stopped");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the processor stopped");
    }

    @Test
    void shouldRefuseAnIntervalThatIsNotPositive() {
        assertThatThrownBy(() -> Poll.every(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
