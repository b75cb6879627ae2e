package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row of {@code blocks}.
 *
 * @param valueLimit the payload's {@code limit} (a reserved word in SQL)
 * @param version Letta's optimistic-lock version: 1 after {@code block.created}, 0 for a row that only a
 *     {@code block.deleted} made
 * @param tenant the tenant of the block's stream (of its events), null for none
 */
public record BlockRow(String blockId, String label, String value, Integer valueLimit, String description,
        Boolean readOnly, JsonNode metadata, int version, Instant createdAt, Instant updatedAt, Instant deletedAt,
        String tenant) {

    static BlockRow empty(String blockId) {
        return new BlockRow(blockId, null, null, null, null, null, null, 0, null, null, null, null);
    }
}
