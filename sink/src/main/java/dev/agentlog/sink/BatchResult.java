package dev.agentlog.sink;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@link SinkCore#process} did with one polled batch.
 *
 * @param committed the stored next offset of each partition whose records were committed (for an
 *     informational Kafka commit)
 * @param seek partitions the consumer must seek to these offsets: another worker moved them in PostgreSQL
 *     (this worker's batch rolled back), read back from {@code sink_offsets}
 * @param applied new events applied
 * @param duplicates events skipped because their event_id was already in {@code events}
 * @param deadLettered records sent to the dead-letter topic (invalid or poison)
 */
public record BatchResult(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> seek, int applied,
        int duplicates, int deadLettered) {
    public BatchResult {
        committed = Map.copyOf(committed);
        seek = Map.copyOf(seek);
    }
}
