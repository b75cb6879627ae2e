package dev.agentlog.bench.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Matches, for each event, three facts learned in any order: when its HTTP request was acknowledged (202), where it
 * sits in the log of record (partition, offset: read by the bench's own consumer), and when the sink's
 * {@code sink_offsets} row of that partition first passed that offset (polled; the rows and the offset commit in one
 * transaction, so that is when its row became visible). Thread-safe (one lock: the rates here are low).
 */
final class LatencyResolver {
    private record Ack(long nanos, boolean measured) {}

    private record Pending(long offset, long ackNanos, long loggedNanos, boolean measured) {}

    /** When a partition's applied offset changed: what it became. */
    private record Applied(long nanos, long nextOffset) {}

    private final Map<String, Ack> acks = new HashMap<>();
    private final Map<String, long[]> positions = new HashMap<>();
    private final Map<Integer, PriorityQueue<Pending>> pending = new HashMap<>();
    private final Map<Integer, List<Applied>> history = new HashMap<>();
    private final List<Long> latencies = new ArrayList<>();
    /** Ack to the event's arrival in the log of record (the processor's part, its transaction commit included). */
    private final List<Long> toLog = new ArrayList<>();
    /** The event's arrival in the log of record to its row (the sink's part). */
    private final List<Long> toRow = new ArrayList<>();
    private final AtomicInteger measuredAcks = new AtomicInteger();

    synchronized void acked(String eventId, long nanos, boolean measured) {
        if (measured) {
            measuredAcks.incrementAndGet();
        }
        long[] position = positions.remove(eventId);
        if (position == null) {
            acks.put(eventId, new Ack(nanos, measured));
        } else {
            place((int) position[0], position[1], nanos, position[2], measured);
        }
    }

    /** The bench's consumer read the event in the log of record at {@code nanos}. */
    synchronized void logged(String eventId, int partition, long offset, long nanos) {
        Ack ack = acks.remove(eventId);
        if (ack == null) {
            positions.put(eventId, new long[] {partition, offset, nanos});
        } else {
            place(partition, offset, ack.nanos(), nanos, ack.measured());
        }
    }

    synchronized void applied(int partition, long nextOffset, long nanos) {
        List<Applied> h = history.computeIfAbsent(partition, p -> new ArrayList<>());
        if (!h.isEmpty() && h.get(h.size() - 1).nextOffset() >= nextOffset) {
            return;
        }
        h.add(new Applied(nanos, nextOffset));
        PriorityQueue<Pending> queue = pending.get(partition);
        while (queue != null && !queue.isEmpty() && queue.peek().offset() < nextOffset) {
            Pending p = queue.poll();
            record(p.measured(), p.ackNanos(), p.loggedNanos(), nanos);
        }
    }

    private void place(int partition, long offset, long ackNanos, long loggedNanos, boolean measured) {
        List<Applied> h = history.get(partition);
        if (h != null && !h.isEmpty() && h.get(h.size() - 1).nextOffset() > offset) {
            // already applied when we learned of it: the first poll that showed it applied (binary search)
            int lo = 0;
            int hi = h.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (h.get(mid).nextOffset() > offset) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            record(measured, ackNanos, loggedNanos, h.get(lo).nanos());
            return;
        }
        pending.computeIfAbsent(partition, p -> new PriorityQueue<>((a, b) -> Long.compare(a.offset(), b.offset())))
                .add(new Pending(offset, ackNanos, loggedNanos, measured));
    }

    private void record(boolean measured, long ackNanos, long loggedNanos, long visibleNanos) {
        if (measured) {
            // visible before the client read its 202 (the pipeline beat the HTTP response): zero
            latencies.add(Math.max(0, visibleNanos - ackNanos));
            // the bench's consumer may read the log after the sink applied it: its part is then zero, and vice versa
            long logged = Math.max(ackNanos, Math.min(loggedNanos, visibleNanos));
            toLog.add(logged - ackNanos);
            toRow.add(Math.max(0, visibleNanos - logged));
        }
    }

    /** Measured events acknowledged so far. */
    int measuredAcks() {
        return measuredAcks.get();
    }

    /** Measured events whose row is visible so far. */
    synchronized int measuredVisible() {
        return latencies.size();
    }

    /** The measured latencies so far: ack to row, ack to log, log to row (same order); forgets everything. */
    synchronized long[][] drainStages() {
        long[][] out = {toArray(latencies), toArray(toLog), toArray(toRow)};
        toLog.clear();
        toRow.clear();
        drain();
        return out;
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** The measured latencies so far, and forgets everything (the next load starts clean). */
    synchronized long[] drain() {
        long[] out = latencies.stream().mapToLong(Long::longValue).toArray();
        latencies.clear();
        toLog.clear();
        toRow.clear();
        acks.clear();
        positions.clear();
        pending.clear();
        measuredAcks.set(0);
        return out;
    }
}
