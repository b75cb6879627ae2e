package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code block.deleted}.  */
public record BlockDeleted(Map<String, JsonNode> unknown) implements Payload {
    public BlockDeleted {
        unknown = Payload.copyOf(unknown);
    }

    static BlockDeleted read(PayloadReader r) {
        return new BlockDeleted(r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.BLOCK_DELETED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter()
                .finish(unknown);
    }
}
