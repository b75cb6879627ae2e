package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;

/** Payload of {@code message.created}. Schema version 2: {@code content} parts only (version 1 also allowed the legacy {@code text} string). */
public record MessageCreated(String messageId, String role, JsonNode content, JsonNode toolCalls, String toolCallId, JsonNode toolReturns, String name, String stepId, String runId, String otid, Long sourceSequence, OffsetDateTime createdAt, Map<String, JsonNode> unknown) implements Payload {
    /**
     * Letta's message roles. {@code function} is the tool role of MemGPT-era servers: 0.16.8 writes none, but rows of
     * older servers keep it, and a capture of such a database must carry them typed.
     */
    public static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "approval", "summary", "function");

    public MessageCreated {
        unknown = Payload.copyOf(unknown);
    }

    static MessageCreated read(PayloadReader r) {
        return new MessageCreated(r.requiredId("message_id"), r.oneOf("role", ROLES, true), r.contentParts("content"), r.toolCalls("tool_calls"),
                r.string("tool_call_id"), r.toolReturns("tool_returns"), r.string("name"), r.string("step_id"), r.string("run_id"),
                r.string("otid"), r.longValue("source_sequence"), r.timestamp("created_at"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.MESSAGE_CREATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("message_id", messageId).put("role", role).put("content", content).put("tool_calls", toolCalls)
                .put("tool_call_id", toolCallId).put("tool_returns", toolReturns).put("name", name).put("step_id", stepId)
                .put("run_id", runId).put("otid", otid).put("source_sequence", sourceSequence).put("created_at", createdAt)
                .finish(unknown);
    }
}
