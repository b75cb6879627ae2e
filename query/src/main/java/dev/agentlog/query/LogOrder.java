package dev.agentlog.query;

import dev.agentlog.sink.replay.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Puts stored events of several streams in one order: each stream in stream order (stream_seq), streams
 * interleaved by occurred_at (ties: stream id). This is how a point-in-time query orders the few events that
 * cross streams (a block.deleted after that block's block.attached) and how {@code export} writes its file.
 */
final class LogOrder {
    private static final Comparator<StoredEvent> BY_SEQ =
            Comparator.comparing(StoredEvent::streamSeq, Comparator.nullsLast(Comparator.naturalOrder()));

    private LogOrder() {}

    static List<StoredEvent> merge(Collection<StoredEvent> events) {
        Map<String, List<StoredEvent>> streams = new LinkedHashMap<>();
        for (StoredEvent e : events) {
            streams.computeIfAbsent(e.streamId(), s -> new ArrayList<>()).add(e);
        }
        record Head(List<StoredEvent> stream, int index) {
            StoredEvent event() {
                return stream.get(index);
            }
        }
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator
                .comparing((Head h) -> h.event().occurredAt().toInstant())
                .thenComparing(h -> h.event().streamId()));
        for (List<StoredEvent> stream : streams.values()) {
            stream.sort(BY_SEQ);
            heads.add(new Head(stream, 0));
        }
        List<StoredEvent> out = new ArrayList<>(events.size());
        while (!heads.isEmpty()) {
            Head head = heads.poll();
            out.add(head.event());
            if (head.index() + 1 < head.stream().size()) {
                heads.add(new Head(head.stream(), head.index() + 1));
            }
        }
        return out;
    }
}
