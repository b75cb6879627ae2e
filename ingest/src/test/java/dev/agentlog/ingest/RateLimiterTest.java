package dev.agentlog.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.ingest.internal.RateLimiter;
import dev.agentlog.ingest.internal.RateLimiter.Decision;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test steps. */
class RateLimiterTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void shouldGrantTheBurstAtOnceThenTheRate() {
        AtomicLong clock = new AtomicLong();
        RateLimiter limiter = new RateLimiter(10, 20, clock::get);

        assertThat(limiter.tryTake("ci", 20).granted()).isTrue();
        assertThat(limiter.tryTake("ci", 1)).isEqualTo(new Decision(false, 1));
        clock.addAndGet(SECOND / 2);
        assertThat(limiter.tryTake("ci", 5).granted()).isTrue();
        assertThat(limiter.tryTake("ci", 1).granted()).isFalse();
    }

    @Test
    void shouldSayWhenEnoughTokensAreBackAndKeepTheBucketFullAtMost() {
        AtomicLong clock = new AtomicLong();
        RateLimiter limiter = new RateLimiter(2, 10, clock::get);
        limiter.tryTake("ci", 10);

        assertThat(limiter.tryTake("ci", 7).retryAfterSeconds()).isEqualTo(4); // 7 tokens at 2/s: 3.5 s
        clock.addAndGet(3600 * SECOND);
        assertThat(limiter.tryTake("ci", 10).granted()).isTrue();
        assertThat(limiter.tryTake("ci", 1).granted()).as("an hour of rest fills the bucket, no more").isFalse();
    }

    /**
     * Whatever the requests and their timing, a key never gets more than the burst plus the rate times the time
     * that passed; and a request refused with Retry-After n is granted when sent again n seconds later alone.
     */
    @Property(tries = 200)
    void shouldNeverGrantMoreThanTheBurstPlusTheRateOverTime(@ForAll @IntRange(min = 1, max = 50) int rate,
            @ForAll @IntRange(min = 1, max = 200) int burst,
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 1, max = 200) Integer> requests,
            @ForAll @Size(min = 60, max = 60) List<@IntRange(min = 0, max = 2_000) Integer> gapsMs) {
        AtomicLong clock = new AtomicLong();
        RateLimiter limiter = new RateLimiter(rate, burst, clock::get);
        long granted = 0;
        for (int i = 0; i < requests.size(); i++) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(gapsMs.get(i)));
            int events = Math.min(requests.get(i), burst);
            Decision decision = limiter.tryTake("k", events);
            if (decision.granted()) {
                granted += events;
            } else {
                assertThat(decision.retryAfterSeconds()).isBetween(1L, (long) Math.ceil(burst / (double) rate) + 1);
                RateLimiter alone = new RateLimiter(rate, burst, clock::get);
                assertThat(alone.tryTake("k", events).granted()).isTrue();
            }
            double allowed = burst + rate * (clock.get() / (double) SECOND);
            assertThat((double) granted).isLessThanOrEqualTo(allowed + 1e-6);
        }
    }
}
