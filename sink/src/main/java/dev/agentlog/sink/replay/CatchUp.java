package dev.agentlog.sink.replay;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * Replays until the shadow is where the live sink is: the lanes apply rounds up to the limits, which are the live
 * sink's offsets read again every second (the replay never passes them), until a fresh read finds the shadow there.
 * Without a live schema, up to the limits it was given (the log's end as read at the start). Used by the rebuild's
 * thread.
 */
final class CatchUp {
    /** How often the replay reads where the live sink is. */
    private static final long LIVE_OFFSETS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Lanes lanes;
    private final DataSource dataSource;
    private final RebuildSettings settings;
    private final String topic;
    private final boolean liveExists;
    private final RebuildCounters counters;

    CatchUp(Lanes lanes, DataSource dataSource, RebuildSettings settings, String topic, boolean liveExists,
            RebuildCounters counters) {
        this.lanes = lanes;
        this.dataSource = dataSource;
        this.settings = settings;
        this.topic = topic;
        this.liveExists = liveExists;
        this.counters = counters;
    }

    /** Replays from where the lanes are to the limits, following the live sink; returns the last limits. */
    Map<TopicPartition, Long> run(Map<TopicPartition, Long> limits) throws SQLException {
        long limitsRead = System.nanoTime();
        while (true) {
            if (lanes.caughtUp(limits)) {
                if (!liveExists) {
                    return limits;
                }
                Map<TopicPartition, Long> fresh = liveOffsets();
                limitsRead = System.nanoTime();
                if (lanes.caughtUp(fresh)) {
                    return fresh;
                }
                limits = grow(limits, fresh);
                continue;
            }
            lanes.round(limits);
            if (liveExists && System.nanoTime() - limitsRead > LIVE_OFFSETS_EVERY_NANOS) {
                limits = grow(limits, liveOffsets());
                limitsRead = System.nanoTime();
            }
        }
    }

    private Map<TopicPartition, Long> liveOffsets() throws SQLException {
        return RebuildPlan.liveOffsets(dataSource, settings, topic);
    }

    /** The new limits; the records they add to the old ones are expected too. */
    private Map<TopicPartition, Long> grow(Map<TopicPartition, Long> limits, Map<TopicPartition, Long> fresh) {
        for (Map.Entry<TopicPartition, Long> limit : fresh.entrySet()) {
            counters.expectMore(Math.max(0, limit.getValue() - limits.getOrDefault(limit.getKey(), 0L)));
        }
        return fresh;
    }
}
