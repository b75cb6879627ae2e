package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row of {@code archives}.
 *
 * @param tenant the tenant of the archive's stream (of its events), null for none
 */
public record ArchiveRow(String archiveId, String name, String description, JsonNode embeddingConfig,
        JsonNode metadata, Instant createdAt, Instant deletedAt, String tenant) {

    static ArchiveRow empty(String archiveId) {
        return new ArchiveRow(archiveId, null, null, null, null, null, null, null);
    }
}
