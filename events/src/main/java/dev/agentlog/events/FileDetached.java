package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code file.detached}: the agent's row of the file is gone (the agent, the file or the folder went). */
public record FileDetached(String fileAgentId, Map<String, JsonNode> unknown) implements Payload {
    public FileDetached {
        unknown = Payload.copyOf(unknown);
    }

    static FileDetached read(PayloadReader r) {
        return new FileDetached(r.requiredId("file_agent_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.FILE_DETACHED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("file_agent_id", fileAgentId).finish(unknown);
    }
}
