package dev.agentlog.letta.mapping;

import dev.agentlog.events.ArchiveAttached;
import dev.agentlog.events.ArchiveDetached;
import dev.agentlog.events.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code archives_agents}, on the agent's stream: insert (or update of is_owner) is
 * {@code archive.attached}, delete {@code archive.detached}; the key (agent_id, archive_id) suffices for deletes.
 * {@code is_owner} travels as an unknown payload field.
 */
final class ArchivesAgentsMapping implements TableMapping {
    @Override
    public String table() {
        return "archives_agents";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String agentId = change.text("agent_id");
        String archiveId = change.text("archive_id");
        if (change.op() == Op.DELETE) {
            return List.of(context.events().event(change, agentId, new ArchiveDetached(archiveId, Map.of())));
        }
        Map<String, com.fasterxml.jackson.databind.JsonNode> unknown =
                new LinkedHashMap<>(Columns.extras(change.after(), Set.of("agent_id", "archive_id"), false));
        return List.of(context.events().event(change, agentId, new ArchiveAttached(archiveId, unknown)));
    }
}
