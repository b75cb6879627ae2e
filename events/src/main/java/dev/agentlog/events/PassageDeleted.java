package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code passage.deleted}.  */
public record PassageDeleted(String passageId, Map<String, JsonNode> unknown) implements Payload {
    public PassageDeleted {
        unknown = Payload.copyOf(unknown);
    }

    static PassageDeleted read(PayloadReader r) {
        return new PassageDeleted(r.requiredId("passage_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.PASSAGE_DELETED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("passage_id", passageId)
                .finish(unknown);
    }
}
