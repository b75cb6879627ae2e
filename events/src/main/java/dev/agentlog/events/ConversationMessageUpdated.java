package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * Payload of {@code conversation.message.updated}: Letta rewrites {@code in_context} and {@code position} of a
 * conversation's rows at every turn (one row at a time), and soft-deletes them with the conversation.
 */
public record ConversationMessageUpdated(String conversationMessageId, Integer position, Boolean inContext,
        Boolean deleted, Set<String> cleared, Map<String, JsonNode> unknown) implements Payload {
    public ConversationMessageUpdated {
        cleared = Set.copyOf(cleared);
        unknown = Payload.copyOf(unknown);
    }

    static ConversationMessageUpdated read(PayloadReader r) {
        return new ConversationMessageUpdated(r.requiredId("conversation_message_id"), r.integer("position"),
                r.bool("in_context"), r.bool("deleted"), r.cleared(), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.CONVERSATION_MESSAGE_UPDATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("conversation_message_id", conversationMessageId).put("position", position)
                .put("in_context", inContext).put("deleted", deleted).nulls(cleared).finish(unknown);
    }
}
