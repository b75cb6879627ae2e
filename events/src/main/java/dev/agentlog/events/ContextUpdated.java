package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Payload of {@code context.updated}. The whole in-context window, in order. */
public record ContextUpdated(List<String> messageIds, Map<String, JsonNode> unknown) implements Payload {
    public ContextUpdated {
        unknown = Payload.copyOf(unknown);
        messageIds = messageIds == null ? null : List.copyOf(messageIds);
    }

    static ContextUpdated read(PayloadReader r) {
        return new ContextUpdated(r.stringList("message_ids", true), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.CONTEXT_UPDATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("message_ids", messageIds)
                .finish(unknown);
    }
}
