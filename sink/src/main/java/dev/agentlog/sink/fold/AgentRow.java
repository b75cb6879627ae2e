package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A row of {@code agents}. */
public record AgentRow(String agentId, String name, String agentType, String system, String description,
        JsonNode llmConfig, JsonNode embeddingConfig, JsonNode toolRules, JsonNode metadata, String organizationId,
        Instant createdAt, Instant updatedAt, Instant deletedAt) {

    /** A row that exists only because an update or delete came before any create (a log that starts mid-stream). */
    static AgentRow empty(String agentId) {
        return new AgentRow(agentId, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
