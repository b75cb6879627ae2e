package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/** Payload of {@code agent.updated}. Only the fields that changed: null is "unchanged", a name in {@code cleared} is "set to null". */
public record AgentUpdated(String name, String agentType, String system, String description, JsonNode llmConfig, JsonNode embeddingConfig, JsonNode toolRules, JsonNode metadata, Set<String> cleared, Map<String, JsonNode> unknown) implements Payload {
    public AgentUpdated {
        unknown = Payload.copyOf(unknown);
        cleared = Set.copyOf(cleared);
    }

    static AgentUpdated read(PayloadReader r) {
        return new AgentUpdated(r.string("name"), r.string("agent_type"), r.string("system"), r.string("description"),
                r.object("llm_config"), r.object("embedding_config"), r.array("tool_rules"), r.object("metadata"), r.cleared(), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.AGENT_UPDATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("name", name).put("agent_type", agentType).put("system", system).put("description", description)
                .put("llm_config", llmConfig).put("embedding_config", embeddingConfig).put("tool_rules", toolRules).put("metadata", metadata)
                .nulls(cleared)
                .finish(unknown);
    }
}
