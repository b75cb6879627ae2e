package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code block.attached}.  */
public record BlockAttached(String blockId, String label, Map<String, JsonNode> unknown) implements Payload {
    public BlockAttached {
        unknown = Payload.copyOf(unknown);
    }

    static BlockAttached read(PayloadReader r) {
        return new BlockAttached(r.requiredId("block_id"), r.string("label"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.BLOCK_ATTACHED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("block_id", blockId).put("label", label)
                .finish(unknown);
    }
}
