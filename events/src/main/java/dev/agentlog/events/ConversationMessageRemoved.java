package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code conversation.message.removed}: a conversation's row is gone (its message or conversation went). */
public record ConversationMessageRemoved(String conversationMessageId, Map<String, JsonNode> unknown) implements Payload {
    public ConversationMessageRemoved {
        unknown = Payload.copyOf(unknown);
    }

    static ConversationMessageRemoved read(PayloadReader r) {
        return new ConversationMessageRemoved(r.requiredId("conversation_message_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.CONVERSATION_MESSAGE_REMOVED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("conversation_message_id", conversationMessageId).finish(unknown);
    }
}
