package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Payload of {@code conversation.message.added}: a message placed in a named conversation (Letta's
 * {@code conversation_messages} row, whose id is {@code conversation_message_id}). A conversation's in-context window is
 * its rows with {@code in_context} and not {@code deleted}, by {@code position}; a message can be in several
 * conversations (a fork shares them).
 */
public record ConversationMessageAdded(String conversationMessageId, String conversationId, String messageId,
        Integer position, Boolean inContext, Boolean deleted, Map<String, JsonNode> unknown) implements Payload {
    public ConversationMessageAdded {
        unknown = Payload.copyOf(unknown);
    }

    static ConversationMessageAdded read(PayloadReader r) {
        return new ConversationMessageAdded(r.requiredId("conversation_message_id"), r.requiredId("conversation_id"),
                r.requiredId("message_id"), r.integer("position"), r.bool("in_context"), r.bool("deleted"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.CONVERSATION_MESSAGE_ADDED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("conversation_message_id", conversationMessageId)
                .put("conversation_id", conversationId).put("message_id", messageId).put("position", position)
                .put("in_context", inContext).put("deleted", deleted).finish(unknown);
    }
}
