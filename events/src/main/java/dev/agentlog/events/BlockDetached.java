package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code block.detached}.  */
public record BlockDetached(String blockId, Map<String, JsonNode> unknown) implements Payload {
    public BlockDetached {
        unknown = Payload.copyOf(unknown);
    }

    static BlockDetached read(PayloadReader r) {
        return new BlockDetached(r.requiredId("block_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.BLOCK_DETACHED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("block_id", blockId)
                .finish(unknown);
    }
}
