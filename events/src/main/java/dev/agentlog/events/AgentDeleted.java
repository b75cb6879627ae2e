package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code agent.deleted}. The agent's messages, context and attachments go with it; its blocks and archives do not. */
public record AgentDeleted(Map<String, JsonNode> unknown) implements Payload {
    public AgentDeleted {
        unknown = Payload.copyOf(unknown);
    }

    static AgentDeleted read(PayloadReader r) {
        return new AgentDeleted(r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.AGENT_DELETED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter()
                .finish(unknown);
    }
}
