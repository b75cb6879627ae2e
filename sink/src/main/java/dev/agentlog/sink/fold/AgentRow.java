package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row of {@code agents}.
 *
 * @param tenant the tenant of the agent's stream (of its events), null for none
 */
public record AgentRow(String agentId, String name, String agentType, String system, String description,
        JsonNode llmConfig, JsonNode embeddingConfig, JsonNode toolRules, JsonNode metadata, String organizationId,
        Instant createdAt, Instant updatedAt, Instant deletedAt, String tenant) {

    /** A row that exists only because an update or delete came before any create (a log that starts mid-stream). */
    static AgentRow empty(String agentId) {
        return new AgentRow(agentId, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
