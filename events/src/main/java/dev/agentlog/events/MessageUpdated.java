package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/** Payload of {@code message.updated}. The message id and the changed fields; Letta rewrites the system message in place. */
public record MessageUpdated(String messageId, String role, JsonNode content, JsonNode toolCalls, String toolCallId, JsonNode toolReturns, String name, String stepId, String runId, String otid, Set<String> cleared, Map<String, JsonNode> unknown) implements Payload {
    public MessageUpdated {
        unknown = Payload.copyOf(unknown);
        cleared = Set.copyOf(cleared);
    }

    static MessageUpdated read(PayloadReader r) {
        MessageUpdated m = new MessageUpdated(r.requiredId("message_id"), r.oneOf("role", MessageCreated.ROLES, false), r.contentParts("content"),
                r.toolCalls("tool_calls"), r.string("tool_call_id"), r.toolReturns("tool_returns"), r.string("name"), r.string("step_id"),
                r.string("run_id"), r.string("otid"), r.cleared(), r.unknown());
        return m;
    }

    @Override
    public EventType type() {
        return EventType.MESSAGE_UPDATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("message_id", messageId).put("role", role).put("content", content).put("tool_calls", toolCalls)
                .put("tool_call_id", toolCallId).put("tool_returns", toolReturns).put("name", name).put("step_id", stepId)
                .put("run_id", runId).put("otid", otid).nulls(cleared)
                .finish(unknown);
    }
}
