package dev.agentlog.bench.run;

import dev.agentlog.events.EventType;
import java.util.List;
import java.util.Map;

/**
 * What was produced, once, for every contender.
 *
 * @param events records in the log of record ({@code agentlog.events})
 * @param eventsByType how many of each type
 * @param eventBytes total size of their values
 * @param peerRecords records in the peer's topic (message row changes: upserts and tombstones), 0 when not produced
 * @param peerTombstones of which deletions
 * @param messageRows rows {@code messages} holds once every message event is applied
 * @param peerMarkers per partition of the peer's topic, the message_id of its last record when that record creates
 *     the row (else null): once all are visible, only the count is left to check
 * @param produceSeconds how long producing took
 */
public record LoadedLog(long events, Map<EventType, Long> eventsByType, long eventBytes, long peerRecords,
        long peerTombstones, long messageRows, List<String> peerMarkers, double produceSeconds) {

    /** The events that change a messages row (created, updated, deleted): the rows the peer writes. */
    public long messageEvents() {
        return eventsByType.getOrDefault(EventType.MESSAGE_CREATED, 0L)
                + eventsByType.getOrDefault(EventType.MESSAGE_UPDATED, 0L)
                + eventsByType.getOrDefault(EventType.MESSAGE_DELETED, 0L);
    }
}
