package dev.agentlog.sink.replay;

import dev.agentlog.sink.SinkRecord;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The log of record read from a position on, for a replay ({@code rebuild}) or a fold ({@code verify}):
 * the Kafka topic itself ({@link KafkaLogSource}) or the audit table {@code events} ({@link TableLogSource}).
 *
 * <p>Order: each partition in offset order (so each stream in stream order); partitions merged by when
 * their records reached the log ({@link KafkaLogSource}: the record timestamp; {@link TableLogSource}: the
 * sink's transaction, then occurred_at), which is the order in which the live sink applied them, as near as
 * the log can tell. That order matters only for the two cascades that cross streams (see {@code ProjectionFold}).
 *
 * <p>Limits: every call names, per partition, the offset the caller wants to stop before; records at or
 * after it stay unread (or buffered) until a later call raises the limit. A partition without a limit is not read.
 * Not thread-safe: one caller.
 */
public interface LogSource extends AutoCloseable {
    /** The topic the records carry. */
    String topic();

    /** The partitions of the log. */
    Set<TopicPartition> partitions();

    /** The next offset of each partition as of now: where the log ends. */
    Map<TopicPartition, Long> endOffsets();

    /**
     * Where to start in each partition (the next offset to read).
     *
     * @throws IllegalStateException when the log no longer holds a start offset (retention dropped it)
     */
    void seek(Map<TopicPartition, Long> positions);

    /**
     * The next records below the limits, at most {@code max}, in log order. May return an empty list while
     * records are still on their way; {@link #caughtUp} says when there is nothing more below the limits.
     */
    default List<SinkRecord> next(Map<TopicPartition, Long> limits, int max) {
        return next(limits, max, Long.MAX_VALUE);
    }

    /**
     * Like {@link #next(Map, int)}, only records whose order key is at most {@code until}: how parallel
     * lanes of a replay keep to one window of log time.
     */
    List<SinkRecord> next(Map<TopicPartition, Long> limits, int max, long until);

    /**
     * The order key of the record {@link #next} would return next, in milliseconds (Kafka: the record timestamp;
     * the table: the sink's transaction time); empty when there is none below the limits now.
     */
    OptionalLong nextOrderKey(Map<TopicPartition, Long> limits);

    /** A new source over the same log reading only these partitions (one lane of a parallel replay). */
    LogSource subset(Set<TopicPartition> partitions);

    /** About how many records lie between the positions and the limits (for progress; may over-count). */
    default long estimate(Map<TopicPartition, Long> from, Map<TopicPartition, Long> limits) {
        long total = 0;
        for (Map.Entry<TopicPartition, Long> limit : limits.entrySet()) {
            total += Math.max(0, limit.getValue() - from.getOrDefault(limit.getKey(), 0L));
        }
        return total;
    }

    /** True when every record below the limits was returned by {@link #next}. */
    boolean caughtUp(Map<TopicPartition, Long> limits);

    @Override
    void close();
}
