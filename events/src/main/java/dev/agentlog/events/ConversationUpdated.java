package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;

/**
 * Payload of {@code conversation.updated}: the changed fields of a conversation (Letta bumps {@code last_message_at}
 * at every request to it and soft-deletes it with {@code deleted}); a field set to null is in {@code cleared}.
 */
public record ConversationUpdated(String conversationId, String summary, String model, OffsetDateTime lastMessageAt,
        Boolean deleted, Set<String> cleared, Map<String, JsonNode> unknown) implements Payload {
    public ConversationUpdated {
        cleared = Set.copyOf(cleared);
        unknown = Payload.copyOf(unknown);
    }

    static ConversationUpdated read(PayloadReader r) {
        return new ConversationUpdated(r.requiredId("conversation_id"), r.string("summary"), r.string("model"),
                r.timestamp("last_message_at"), r.bool("deleted"), r.cleared(), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.CONVERSATION_UPDATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("conversation_id", conversationId).put("summary", summary).put("model", model)
                .put("last_message_at", lastMessageAt).put("deleted", deleted).nulls(cleared).finish(unknown);
    }
}
