package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.ArchiveCreated;
import dev.agentlog.events.ArchiveDeleted;
import dev.agentlog.events.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code archives} (archival memory), on the archive's stream: insert is {@code archive.created}, delete
 * {@code archive.deleted}. The catalogue has no archive.updated: an update (a rename) is an {@code archive.created}
 * of the whole row again, which the sink applies as the archive's row (its created_at becomes the update's time).
 */
final class ArchivesMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("name", "description", "embedding_config", "metadata_");

    @Override
    public String table() {
        return "archives";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String archiveId = change.text("id");
        if (change.op() == Op.DELETE) {
            return List.of(context.events().event(change, archiveId, new ArchiveDeleted(Map.of())));
        }
        Row row = change.after();
        Map<String, JsonNode> unknown = new LinkedHashMap<>();
        JsonNode embedding = Columns.object(row, "embedding_config", unknown);
        JsonNode metadata = Columns.object(row, "metadata_", unknown);
        unknown.putAll(Columns.extras(row, CARRIED, false));
        return List.of(context.events().event(change, archiveId,
                new ArchiveCreated(row.text("name"), row.text("description"), embedding, metadata, unknown)));
    }
}
