package dev.agentlog.support.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void shouldDoubleTheBackoffAfterEachFailureUpToTheCap() {
        RetryPolicy policy = RetryPolicy.attempts(10, 100, 1_000);

        assertThat(policy.backoffMs(1)).isEqualTo(100);
        assertThat(policy.backoffMs(2)).isEqualTo(200);
        assertThat(policy.backoffMs(4)).isEqualTo(800);
        assertThat(policy.backoffMs(5)).isEqualTo(1_000);
        assertThat(policy.backoffMs(1_000_000)).as("no overflow, however long it lasts").isEqualTo(1_000);
    }

    @Property
    void shouldDrawEveryWaitBetweenHalfTheBackoffAndAllOfIt(@ForAll @LongRange(min = 1, max = 1L << 40) long first,
            @ForAll @LongRange(min = 0, max = 1L << 20) long extra, @ForAll @IntRange(min = 1, max = 10_000) int failed,
            @ForAll long seed) {
        RetryPolicy policy = RetryPolicy.forever(first, first + extra);
        SplittableRandom random = new SplittableRandom(seed);

        long backoff = policy.backoffMs(failed);
        long wait = policy.jitteredBackoffMs(failed, (min, max) -> random.nextLong(min, max + 1));

        assertThat(backoff).isBetween(first, first + extra);
        assertThat(wait).isBetween(backoff / 2, backoff);
    }

    @Test
    void shouldReachBothEndsOfTheJitterRange() {
        RetryPolicy policy = RetryPolicy.attempts(3, 100, 1_000);

        assertThat(policy.jitteredBackoffMs(2, (min, max) -> min)).isEqualTo(100);
        assertThat(policy.jitteredBackoffMs(2, (min, max) -> max)).isEqualTo(200);
        assertThatThrownBy(() -> policy.jitteredBackoffMs(2, (min, max) -> max + 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldBoundByAttemptsByDeadlineOrNotAtAll() {
        RetryPolicy attempts = RetryPolicy.attempts(3, 10, 100);
        assertThat(attempts.allowsAnother(2, Long.MAX_VALUE)).isTrue();
        assertThat(attempts.allowsAnother(3, 0)).isFalse();

        RetryPolicy deadline = RetryPolicy.until(Duration.ofSeconds(60), 10, 100);
        assertThat(deadline.allowsAnother(1_000_000, Duration.ofSeconds(59).toNanos())).isTrue();
        assertThat(deadline.allowsAnother(2, Duration.ofSeconds(60).toNanos())).isFalse();
        assertThat(deadline.remainingMs(Duration.ofSeconds(59).toNanos())).isEqualTo(1_000);

        RetryPolicy forever = RetryPolicy.forever(10, 100);
        assertThat(forever.allowsAnother(Integer.MAX_VALUE, Long.MAX_VALUE)).isTrue();
        assertThat(forever.remainingMs(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldSayWhichAttemptOfHowMany() {
        assertThat(RetryPolicy.attempts(10, 10, 100).attempt(3)).isEqualTo("attempt 3 of 10");
        assertThat(RetryPolicy.until(Duration.ofMinutes(10), 10, 100).attempt(3))
                .isEqualTo("attempt 3 (for up to 10 min)");
        assertThat(RetryPolicy.until(Duration.ofSeconds(90), 10, 100).attempt(3))
                .isEqualTo("attempt 3 (for up to 90 s)");
        assertThat(RetryPolicy.forever(10, 100).attempt(3)).isEqualTo("attempt 3 (until it succeeds)");
    }

    @Test
    void shouldRefuseSettingsThatCannotWork() {
        assertThatThrownBy(() -> RetryPolicy.attempts(0, 10, 100)).hasMessageContaining("maxAttempts must be >= 1");
        assertThatThrownBy(() -> RetryPolicy.forever(0, 100)).hasMessageContaining("firstBackoffMs must be >= 1");
        assertThatThrownBy(() -> RetryPolicy.forever(100, 10)).hasMessageContaining("maxBackoffMs must be >= firstBackoffMs");
        assertThatThrownBy(() -> RetryPolicy.until(Duration.ZERO, 10, 100)).hasMessageContaining("deadline must be positive");
    }
}
