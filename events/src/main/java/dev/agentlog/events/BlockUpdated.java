package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/** Payload of {@code block.updated}. The changed fields and {@code version}, the block's version after the edit (Letta's optimistic lock); when absent the sink takes the current version plus one. */
public record BlockUpdated(String label, String value, Integer limit, String description, Boolean readOnly, JsonNode metadata, Integer version, Set<String> cleared, Map<String, JsonNode> unknown) implements Payload {
    public BlockUpdated {
        unknown = Payload.copyOf(unknown);
        cleared = Set.copyOf(cleared);
    }

    static BlockUpdated read(PayloadReader r) {
        return new BlockUpdated(r.string("label"), r.string("value"), r.integer("limit"), r.string("description"),
                r.bool("read_only"), r.object("metadata"), r.integer("version"), r.cleared(), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.BLOCK_UPDATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("label", label).put("value", value).put("limit", limit).put("description", description)
                .put("read_only", readOnly).put("metadata", metadata).put("version", version).nulls(cleared)
                .finish(unknown);
    }
}
