package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Payload of {@code conversation.created}: a named conversation of the agent (Letta's {@code conversations} row): its
 * own in-context window ({@code conversation.message.*}) and isolated blocks ({@code conversation.block.*}) beside the
 * agent's default one. Letta's other columns travel as unknown fields under their names.
 */
public record ConversationCreated(String conversationId, String summary, String model, OffsetDateTime lastMessageAt,
        Boolean deleted, OffsetDateTime createdAt, Map<String, JsonNode> unknown) implements Payload {
    public ConversationCreated {
        unknown = Payload.copyOf(unknown);
    }

    static ConversationCreated read(PayloadReader r) {
        return new ConversationCreated(r.requiredId("conversation_id"), r.string("summary"), r.string("model"),
                r.timestamp("last_message_at"), r.bool("deleted"), r.timestamp("created_at"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.CONVERSATION_CREATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("conversation_id", conversationId).put("summary", summary).put("model", model)
                .put("last_message_at", lastMessageAt).put("deleted", deleted).put("created_at", createdAt)
                .finish(unknown);
    }
}
