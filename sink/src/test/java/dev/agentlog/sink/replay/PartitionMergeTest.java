package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.sink.SinkRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionMergeTest {
    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);

    static SinkRecord record(TopicPartition tp, long offset) {
        return new SinkRecord(tp.topic(), tp.partition(), offset, null, new byte[0]);
    }

    @Test
    void shouldInterleavePartitionsByTimestamp() {
        PartitionMerge merge = new PartitionMerge();
        merge.add(P0, record(P0, 0), 10);
        merge.add(P0, record(P0, 1), 30);
        merge.add(P1, record(P1, 0), 20);
        merge.add(P1, record(P1, 1), 40);

        List<SinkRecord> out = merge.take(Map.of(P0, 2L, P1, 2L), tp -> 2L, 10);

        assertThat(out).extracting(SinkRecord::toString).containsExactly("t-0@0", "t-1@0", "t-0@1", "t-1@1");
        assertThat(merge.caughtUp(Map.of(P0, 2L, P1, 2L), tp -> 2L)).isTrue();
    }

    @Test
    void shouldWaitForAPartitionThatMayStillDeliverAnEarlierRecord() {
        PartitionMerge merge = new PartitionMerge();
        merge.add(P0, record(P0, 0), 10);

        List<SinkRecord> out = merge.take(Map.of(P0, 1L, P1, 5L), tp -> tp.equals(P1) ? 0L : 1L, 10);

        assertThat(out).isEmpty();
        assertThat(merge.caughtUp(Map.of(P0, 1L, P1, 5L), tp -> tp.equals(P1) ? 0L : 1L)).isFalse();
    }

    @Test
    void shouldKeepRecordsAtOrAfterTheLimitForALaterCall() {
        PartitionMerge merge = new PartitionMerge();
        merge.add(P0, record(P0, 0), 10);
        merge.add(P0, record(P0, 1), 11);

        List<SinkRecord> first = merge.take(Map.of(P0, 1L), tp -> 2L, 10);
        List<SinkRecord> second = merge.take(Map.of(P0, 2L), tp -> 2L, 10);

        assertThat(first).extracting(SinkRecord::offset).containsExactly(0L);
        assertThat(second).extracting(SinkRecord::offset).containsExactly(1L);
    }

    @Property(tries = 200)
    void shouldKeepEachPartitionInOffsetOrderWhateverTheTimestamps(
            @ForAll @Size(max = 40) List<@IntRange(max = 100) Integer> timestamps0,
            @ForAll @Size(max = 40) List<@IntRange(max = 100) Integer> timestamps1,
            @ForAll @IntRange(min = 1, max = 7) int max) {
        PartitionMerge merge = new PartitionMerge();
        for (int i = 0; i < timestamps0.size(); i++) {
            merge.add(P0, record(P0, i), timestamps0.get(i));
        }
        for (int i = 0; i < timestamps1.size(); i++) {
            merge.add(P1, record(P1, i), timestamps1.get(i));
        }
        Map<TopicPartition, Long> limits = Map.of(P0, (long) timestamps0.size(), P1, (long) timestamps1.size());
        Map<TopicPartition, Long> next = new HashMap<>(Map.of(P0, 0L, P1, 0L));
        int taken = 0;
        List<SinkRecord> batch;
        while (!(batch = merge.take(limits, limits::get, max)).isEmpty()) {
            assertThat(batch.size()).isLessThanOrEqualTo(max);
            for (SinkRecord r : batch) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                assertThat(r.offset()).isEqualTo(next.get(tp));
                next.put(tp, r.offset() + 1);
                taken++;
            }
        }
        assertThat(taken).isEqualTo(timestamps0.size() + timestamps1.size());
    }
}
