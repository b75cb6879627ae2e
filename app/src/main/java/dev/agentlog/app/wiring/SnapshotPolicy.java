package dev.agentlog.app.wiring;

import dev.agentlog.sink.snapshot.SnapshotInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * When the sink takes its next snapshot: once {@code intervalMs} passed since the last one, or once the sink applied
 * {@code everyRecords} records of the log since it (the tail a rebuild would replay), whichever comes first; 0 turns a
 * trigger off. Never when nothing was applied since the last one. Without any snapshot yet, the interval counts as
 * passed, and the records count from the log's beginning. Pure.
 */
public record SnapshotPolicy(long intervalMs, long everyRecords) {
    public SnapshotPolicy {
        if (intervalMs < 0 || everyRecords < 0) {
            throw new IllegalArgumentException("snapshot interval and record count must be >= 0");
        }
    }

    public boolean enabled() {
        return intervalMs > 0 || everyRecords > 0;
    }

    /** How often to look: often enough for the interval, at most every second. */
    public long checkEveryMs() {
        return intervalMs > 0 ? Math.max(1, Math.min(intervalMs, 1_000)) : 1_000;
    }

    /**
     * @param last the newest snapshot, if any
     * @param applied the sink's next offsets now
     */
    public boolean due(Instant now, Optional<SnapshotInfo> last, Map<TopicPartition, Long> applied) {
        Map<TopicPartition, Long> from = last.map(SnapshotInfo::positions).orElse(Map.of());
        long tail = 0;
        for (Map.Entry<TopicPartition, Long> a : applied.entrySet()) {
            tail += Math.max(0, a.getValue() - from.getOrDefault(a.getKey(), 0L));
        }
        if (!enabled() || tail == 0) {
            return false; // nothing new since the last one (or nothing applied at all yet)
        }
        boolean intervalPassed = intervalMs > 0
                && (last.isEmpty() || !now.isBefore(last.get().takenAt().plusMillis(intervalMs)));
        return intervalPassed || everyRecords > 0 && tail >= everyRecords;
    }
}
