package dev.agentlog.sink.replay;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What a rebuild did.
 *
 * @param liveSchema the schema that now holds the rebuilt tables
 * @param oldSchema where the previous tables are kept (null when there were none, or when {@code oldDropped})
 * @param oldDropped true when the previous tables were dropped right after the swap (--drop-old)
 * @param recordsRead records of the log replayed
 * @param eventsApplied distinct new events written
 * @param duplicates records skipped because their event_id was applied before (re-deliveries)
 * @param notApplied records the sink would dead-letter (undecodable or refused by PostgreSQL); the live sink
 *     dead-lettered them already, so the rebuild only counts them
 * @param offsets the next offset per partition the rebuilt schema covers: the live sink's offsets at the swap
 * @param replayMillis from the start of the replay to the swap's lock
 * @param swapMillis how long the live sink's offsets were locked (the live sink waited at most that long)
 * @param startedFrom the snapshot the replay started from and where it was read; null: the log's beginning
 * @param auditRecordsLost records below that snapshot's positions whose {@code events} rows could not come back (a
 *     snapshot read from the topic without a live schema: the audit trail is not in a snapshot); 0 otherwise
 */
public record RebuildResult(String liveSchema, String oldSchema, boolean oldDropped, long recordsRead,
        long eventsApplied, long duplicates, long notApplied, Map<TopicPartition, Long> offsets, long replayMillis,
        long swapMillis, String startedFrom, long auditRecordsLost) {
    public RebuildResult {
        offsets = Map.copyOf(offsets);
    }

    /** Records replayed per second, swap excluded. */
    public double recordsPerSecond() {
        return replayMillis <= 0 ? 0 : recordsRead * 1000.0 / replayMillis;
    }
}
