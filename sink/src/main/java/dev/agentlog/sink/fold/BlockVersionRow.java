package dev.agentlog.sink.fold;

import java.time.Instant;

/** A row of {@code block_versions}: the block's whole value and label as of that version, and the event that made it. */
public record BlockVersionRow(String blockId, int version, String value, String label, String eventId,
        Instant occurredAt, String actor) {
    /** The key of {@code block_versions}. */
    public record Key(String blockId, int version) {}
}
