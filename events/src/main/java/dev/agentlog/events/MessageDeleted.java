package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code message.deleted}.  */
public record MessageDeleted(String messageId, Map<String, JsonNode> unknown) implements Payload {
    public MessageDeleted {
        unknown = Payload.copyOf(unknown);
    }

    static MessageDeleted read(PayloadReader r) {
        return new MessageDeleted(r.requiredId("message_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.MESSAGE_DELETED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("message_id", messageId)
                .finish(unknown);
    }
}
