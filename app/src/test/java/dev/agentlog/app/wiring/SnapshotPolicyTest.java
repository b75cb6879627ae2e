package dev.agentlog.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.sink.snapshot.SnapshotInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SnapshotPolicyTest {
    private static final TopicPartition P0 = new TopicPartition("agentlog.events", 0);
    private static final TopicPartition P1 = new TopicPartition("agentlog.events", 1);
    private static final Instant T = Instant.parse("2026-12-06T22:00:00Z");
    private static final Optional<SnapshotInfo> LAST = Optional.of(new SnapshotInfo("snapshot-1", "agentlog.events",
            "agentlog-sink", Map.of(P0, 100L, P1, 50L), T, 3, false));

    @Test
    void shouldTakeNoneWhenBothTriggersAreOff() {
        SnapshotPolicy off = new SnapshotPolicy(0, 0);
        assertThat(off.enabled()).isFalse();
        assertThat(off.due(T.plusSeconds(3600), Optional.empty(), Map.of(P0, 10L))).isFalse();
    }

    @Test
    void shouldTakeTheFirstAtOnceOnlyWhenTheSinkAppliedSomething() {
        SnapshotPolicy policy = new SnapshotPolicy(60_000, 0);
        assertThat(policy.due(T, Optional.empty(), Map.of())).isFalse();
        assertThat(policy.due(T, Optional.empty(), Map.of(P0, 0L, P1, 0L))).isFalse();
        assertThat(policy.due(T, Optional.empty(), Map.of(P0, 1L))).isTrue();
        assertThat(new SnapshotPolicy(0, 20).due(T, Optional.empty(), Map.of(P0, 19L))).isFalse();
        assertThat(new SnapshotPolicy(0, 20).due(T, Optional.empty(), Map.of(P0, 19L, P1, 1L))).isTrue();
    }

    @Test
    void shouldTakeNoneWhenNothingWasAppliedSinceTheLast() {
        assertThat(new SnapshotPolicy(1, 0).due(T.plusSeconds(3600), LAST, Map.of(P0, 100L, P1, 50L))).isFalse();
    }

    @Test
    void shouldTakeOneWhenTheIntervalPassed() {
        SnapshotPolicy policy = new SnapshotPolicy(60_000, 0);
        assertThat(policy.due(T.plusMillis(59_999), LAST, Map.of(P0, 101L, P1, 50L))).isFalse();
        assertThat(policy.due(T.plusMillis(60_000), LAST, Map.of(P0, 101L, P1, 50L))).isTrue();
        assertThat(policy.checkEveryMs()).isEqualTo(1_000);
    }

    @Test
    void shouldTakeOneWhenTheTailSinceTheLastReachedTheRecordCount() {
        SnapshotPolicy policy = new SnapshotPolicy(0, 20);
        assertThat(policy.due(T.plusSeconds(86_400), LAST, Map.of(P0, 110L, P1, 59L))).isFalse();
        assertThat(policy.due(T, LAST, Map.of(P0, 110L, P1, 60L))).isTrue();
        // a partition the last snapshot did not know counts from 0
        assertThat(policy.due(T, LAST, Map.of(P0, 100L, P1, 50L, new TopicPartition("agentlog.events", 2), 20L)))
                .isTrue();
    }

    @Test
    void shouldRefuseNegativeSettings() {
        assertThatThrownBy(() -> new SnapshotPolicy(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
