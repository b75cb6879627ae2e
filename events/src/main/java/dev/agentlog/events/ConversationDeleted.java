package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code conversation.deleted}: the conversation's row is gone (with its window rows and block links). */
public record ConversationDeleted(String conversationId, Map<String, JsonNode> unknown) implements Payload {
    public ConversationDeleted {
        unknown = Payload.copyOf(unknown);
    }

    static ConversationDeleted read(PayloadReader r) {
        return new ConversationDeleted(r.requiredId("conversation_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.CONVERSATION_DELETED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("conversation_id", conversationId).finish(unknown);
    }
}
