package dev.agentlog.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LatencyResolverTest {
    @Test
    void shouldMeasureFromAckToTheFirstPollThatShowsTheOffsetApplied() {
        LatencyResolver resolver = new LatencyResolver();
        resolver.acked("a", 1_000, true);
        resolver.logged("a", 3, 10, 4_000);
        resolver.applied(3, 10, 5_000); // offset 10 not applied yet
        resolver.applied(3, 11, 9_000);

        long[][] stages = resolver.drainStages();
        assertThat(stages[0]).containsExactly(8_000);
        assertThat(stages[1]).containsExactly(3_000);
        assertThat(stages[2]).containsExactly(5_000);
    }

    @Test
    void shouldUseThePollHistoryWhenThePositionIsLearnedAfterTheOffsetWasApplied() {
        LatencyResolver resolver = new LatencyResolver();
        resolver.applied(0, 5, 2_000);
        resolver.applied(0, 20, 4_000);
        resolver.applied(0, 30, 6_000);
        resolver.acked("late", 1_000, true);
        resolver.logged("late", 0, 12, 7_000);

        assertThat(resolver.drain()).containsExactly(3_000);
    }

    @Test
    void shouldCountZeroWhenTheRowWasVisibleBeforeTheClientReadItsAck() {
        LatencyResolver resolver = new LatencyResolver();
        resolver.logged("fast", 1, 0, 1_500);
        resolver.applied(1, 1, 2_000);
        resolver.acked("fast", 3_000, true);

        assertThat(resolver.drain()).containsExactly(0);
    }

    @Test
    void shouldLeaveWarmUpEventsOutOfTheFigures() {
        LatencyResolver resolver = new LatencyResolver();
        resolver.acked("warm", 1_000, false);
        resolver.logged("warm", 0, 0, 1_500);
        resolver.applied(0, 1, 2_000);

        assertThat(resolver.measuredAcks()).isZero();
        assertThat(resolver.drain()).isEmpty();
    }

    @Test
    void shouldFindTheEventIdOfAnEventAsTheProcessorWritesIt() {
        byte[] value = "{\"event_id\":\"abc-1\",\"type\":\"message.created\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(LatencyPipeline.eventId(value)).isEqualTo("abc-1");
        assertThat(LatencyPipeline.eventId(null)).isNull();
    }
}
