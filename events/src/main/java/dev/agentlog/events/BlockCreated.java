package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code block.created}. A new block starts at version 1, as in Letta. */
public record BlockCreated(String label, String value, Integer limit, String description, Boolean readOnly, JsonNode metadata, Map<String, JsonNode> unknown) implements Payload {
    public BlockCreated {
        unknown = Payload.copyOf(unknown);
    }

    static BlockCreated read(PayloadReader r) {
        return new BlockCreated(r.requiredString("label"), r.requiredString("value"), r.integer("limit"), r.string("description"),
                r.bool("read_only"), r.object("metadata"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.BLOCK_CREATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("label", label).put("value", value).put("limit", limit).put("description", description)
                .put("read_only", readOnly).put("metadata", metadata)
                .finish(unknown);
    }
}
