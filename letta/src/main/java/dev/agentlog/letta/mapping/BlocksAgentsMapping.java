package dev.agentlog.letta.mapping;

import dev.agentlog.events.BlockAttached;
import dev.agentlog.events.BlockDetached;
import dev.agentlog.events.Event;
import java.util.List;
import java.util.Map;

/**
 * Letta's {@code blocks_agents} (which blocks an agent has in core memory), on the agent's stream: insert (or a
 * label change, which Letta's key makes a delete plus an insert) is {@code block.attached} with the label, delete is
 * {@code block.detached}. The key (agent_id, block_id, block_label) carries all of it, so key-only deletes suffice.
 */
final class BlocksAgentsMapping implements TableMapping {
    @Override
    public String table() {
        return "blocks_agents";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String agentId = change.text("agent_id");
        String blockId = change.text("block_id");
        if (change.op() == Op.DELETE) {
            return List.of(context.events().event(change, agentId, new BlockDetached(blockId, Map.of())));
        }
        return List.of(context.events().event(change, agentId,
                new BlockAttached(blockId, change.after().text("block_label"), Map.of())));
    }
}
