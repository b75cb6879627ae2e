package dev.agentlog.support.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TimeTest {
    @Test
    void shouldReadTheClockOfTheTimeItViews() {
        ManualTime time = new ManualTime();
        time.advance(1_500);

        assertThat(time.clock().instant()).isEqualTo(Instant.ofEpochMilli(time.currentTimeMillis()));
        assertThat(OffsetDateTime.now(time.clock()).getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(time.instant()).isEqualTo(Instant.ofEpochMilli(1_800_000_001_500L));
    }

    @Test
    void shouldCutASleepShortWhenItsStopIsCountedDown() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();

        assertThat(Sleeper.until(stop).sleep(60_000)).isFalse();
        assertThat(Sleeper.until(new CountDownLatch(1)).sleep(1)).isTrue();
    }
}
