package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A row of {@code archives}. */
public record ArchiveRow(String archiveId, String name, String description, JsonNode embeddingConfig,
        JsonNode metadata, Instant createdAt, Instant deletedAt) {

    static ArchiveRow empty(String archiveId) {
        return new ArchiveRow(archiveId, null, null, null, null, null, null);
    }
}
