package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code agent.created}.  */
public record AgentCreated(String name, String agentType, String system, String description, JsonNode llmConfig, JsonNode embeddingConfig, JsonNode toolRules, JsonNode metadata, Map<String, JsonNode> unknown) implements Payload {
    public AgentCreated {
        unknown = Payload.copyOf(unknown);
    }

    static AgentCreated read(PayloadReader r) {
        return new AgentCreated(r.string("name"), r.string("agent_type"), r.string("system"), r.string("description"),
                r.object("llm_config"), r.object("embedding_config"), r.array("tool_rules"), r.object("metadata"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.AGENT_CREATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("name", name).put("agent_type", agentType).put("system", system).put("description", description)
                .put("llm_config", llmConfig).put("embedding_config", embeddingConfig).put("tool_rules", toolRules).put("metadata", metadata)
                .finish(unknown);
    }
}
