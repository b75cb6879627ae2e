package dev.agentlog.letta.mapping;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventType;
import dev.agentlog.events.Link;
import java.util.List;
import java.util.Map;

/**
 * A Letta table that links an agent to one other thing, on the agent's stream: an insert (or an update, which
 * changes nothing but the row's bookkeeping) makes the link, a delete undoes it. The agent and the target are in the
 * table's key (or, for the keyless {@code tools_agents} and {@code agents_tags}, in the unique columns capture keys
 * them by), so key-only deletes suffice.
 */
final class LinkMapping implements TableMapping {
    /** Letta's link tables: tools, folders, identities, groups and tags of an agent. */
    static final List<LinkMapping> ALL = List.of(
            new LinkMapping("tools_agents", "tool_id", EventType.TOOL_ATTACHED, EventType.TOOL_DETACHED),
            new LinkMapping("sources_agents", "source_id", EventType.SOURCE_ATTACHED, EventType.SOURCE_DETACHED),
            new LinkMapping("identities_agents", "identity_id", EventType.IDENTITY_ATTACHED, EventType.IDENTITY_DETACHED),
            new LinkMapping("groups_agents", "group_id", EventType.GROUP_JOINED, EventType.GROUP_LEFT),
            new LinkMapping("agents_tags", "tag", EventType.TAG_ADDED, EventType.TAG_REMOVED));

    private final String table;
    private final String targetColumn;
    private final EventType made;
    private final EventType undone;

    private LinkMapping(String table, String targetColumn, EventType made, EventType undone) {
        this.table = table;
        this.targetColumn = targetColumn;
        this.made = made;
        this.undone = undone;
    }

    @Override
    public String table() {
        return table;
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String agentId = change.text("agent_id");
        String target = change.text(targetColumn);
        if (agentId == null || target == null) {
            throw new IllegalArgumentException(table + " change without agent_id or " + targetColumn);
        }
        EventType type = change.op() == Op.DELETE ? undone : made;
        return List.of(context.events().event(change, agentId, new Link(type, target, Map.of())));
    }
}
