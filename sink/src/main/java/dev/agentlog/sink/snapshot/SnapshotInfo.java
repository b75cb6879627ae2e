package dev.agentlog.sink.snapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * One snapshot: where in the log it stands and when it was taken.
 *
 * @param positions the next offset of each partition of the events topic: the snapshot holds exactly the records
 *     below them, and the tail to replay after it is the records at or after them
 * @param takenAt when the sink's tables at those offsets were read; {@code state --at} answers from the oldest
 *     retained snapshot's on
 * @param streams how many streams it holds
 * @param sealed whether its streams' states are sealed with their subjects' keys
 */
public record SnapshotInfo(String snapshotId, String topic, String groupId, Map<TopicPartition, Long> positions,
        Instant takenAt, int streams, boolean sealed) {
    public SnapshotInfo {
        Objects.requireNonNull(snapshotId, "snapshotId");
        Objects.requireNonNull(topic, "topic");
        positions = Map.copyOf(positions);
    }

    /** Whether it stands at or before {@code limits} in every partition (a partition not named counts as 0). */
    public boolean atOrBefore(Map<TopicPartition, Long> limits) {
        return positions.entrySet().stream().allMatch(p -> p.getValue() <= limits.getOrDefault(p.getKey(), 0L));
    }

    /** Whether the log can still be replayed from it: it stands at or after {@code logStart} in every partition. */
    public boolean replayableFrom(Map<TopicPartition, Long> logStart) {
        return logStart.entrySet().stream().allMatch(s -> positions.getOrDefault(s.getKey(), 0L) >= s.getValue());
    }

    /** The positions by partition number, in order (for messages). */
    public Map<Integer, Long> byPartition() {
        Map<Integer, Long> out = new TreeMap<>();
        positions.forEach((tp, offset) -> out.put(tp.partition(), offset));
        return out;
    }
}
