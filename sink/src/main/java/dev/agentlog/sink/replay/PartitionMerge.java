package dev.agentlog.sink.replay;

import dev.agentlog.sink.SinkRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * Merges the records of several partitions into one order: each partition's records in offset order, and
 * across partitions the smallest order key (a timestamp) first, ties by partition number. A record is
 * handed out only when every other partition that may still hold an earlier record below its limit has a
 * buffered record to compare with; otherwise {@link #take} stops and the caller fetches more. Pure logic,
 * not thread-safe.
 */
final class PartitionMerge {
    private record Buffered(SinkRecord record, long orderKey) {}

    private final Map<TopicPartition, ArrayDeque<Buffered>> buffers = new HashMap<>();

    void add(TopicPartition tp, SinkRecord record, long orderKey) {
        buffers.computeIfAbsent(tp, p -> new ArrayDeque<>()).addLast(new Buffered(record, orderKey));
    }

    int buffered(TopicPartition tp) {
        ArrayDeque<Buffered> buffer = buffers.get(tp);
        return buffer == null ? 0 : buffer.size();
    }

    /** Forgets every buffered record (after a seek). */
    void clear() {
        buffers.clear();
    }

    /**
     * Takes up to {@code max} records in merged order.
     *
     * @param limits per partition, the offset to stop before; partitions without one are not taken from
     * @param fetchPosition per partition, the next offset the fetcher will deliver (after everything buffered)
     */
    List<SinkRecord> take(Map<TopicPartition, Long> limits, ToLongFunction<TopicPartition> fetchPosition, int max) {
        return take(limits, fetchPosition, max, Long.MAX_VALUE);
    }

    /** Like {@link #take(Map, ToLongFunction, int)}, only records whose order key is at most {@code until}. */
    List<SinkRecord> take(Map<TopicPartition, Long> limits, ToLongFunction<TopicPartition> fetchPosition, int max,
            long until) {
        List<SinkRecord> out = new ArrayList<>(Math.min(max, 4096));
        while (out.size() < max) {
            Buffered head = head(limits, fetchPosition);
            if (head == null || head.orderKey() > until) {
                return out;
            }
            TopicPartition tp = new TopicPartition(head.record().topic(), head.record().partition());
            out.add(buffers.get(tp).pollFirst().record());
        }
        return out;
    }

    /**
     * The order key of the record {@link #take} would hand out next; null when there is none below the limits
     * or when a partition must be fetched first (see {@link #caughtUp} to tell the two apart).
     */
    Long nextOrderKey(Map<TopicPartition, Long> limits, ToLongFunction<TopicPartition> fetchPosition) {
        Buffered head = head(limits, fetchPosition);
        return head == null ? null : head.orderKey();
    }

    private Buffered head(Map<TopicPartition, Long> limits, ToLongFunction<TopicPartition> fetchPosition) {
        TopicPartition best = null;
        Buffered bestHead = null;
        for (Map.Entry<TopicPartition, Long> limit : limits.entrySet()) {
            TopicPartition tp = limit.getKey();
            ArrayDeque<Buffered> buffer = buffers.get(tp);
            Buffered head = buffer == null ? null : buffer.peekFirst();
            if (head == null) {
                if (fetchPosition.applyAsLong(tp) < limit.getValue()) {
                    return null; // this partition may still deliver an earlier record: fetch first
                }
                continue; // reached its limit
            }
            if (head.record().offset() >= limit.getValue()) {
                continue; // the rest waits for a higher limit
            }
            if (bestHead == null || head.orderKey() < bestHead.orderKey()
                    || head.orderKey() == bestHead.orderKey() && tp.partition() < best.partition()) {
                best = tp;
                bestHead = head;
            }
        }
        return bestHead;
    }

    /** True when no partition holds or can still deliver a record below its limit. */
    boolean caughtUp(Map<TopicPartition, Long> limits, ToLongFunction<TopicPartition> fetchPosition) {
        for (Map.Entry<TopicPartition, Long> limit : limits.entrySet()) {
            ArrayDeque<Buffered> buffer = buffers.get(limit.getKey());
            Buffered head = buffer == null ? null : buffer.peekFirst();
            long next = head != null ? head.record().offset() : fetchPosition.applyAsLong(limit.getKey());
            if (next < limit.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The partitions buffering at least {@code count} records. */
    List<TopicPartition> fuller(int count) {
        List<TopicPartition> out = new ArrayList<>();
        buffers.forEach((tp, buffer) -> {
            if (buffer.size() >= count) {
                out.add(tp);
            }
        });
        return out;
    }

    static ToLongFunction<TopicPartition> positions(Map<TopicPartition, Long> positions) {
        return tp -> positions.getOrDefault(tp, 0L);
    }
}
