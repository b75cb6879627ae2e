package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.BlockCreated;
import dev.agentlog.events.BlockDeleted;
import dev.agentlog.events.BlockUpdated;
import dev.agentlog.events.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code block} table (core-memory blocks), on the block's own stream; {@code agent_id} is left empty (a
 * block row does not say which agent's tool edited it).
 * <ul>
 *   <li>insert: {@code block.created} (version 1, as Letta starts). A row at a later version (a snapshot of a block
 *       edited before capture began) is a {@code block.updated} of every column at that version instead: the
 *       earlier values are unknown, and a block.created would record the current value as version 1.</li>
 *   <li>update: {@code block.updated} with the changed columns (every column the update carried when there is no
 *       before-image) and {@code version}, Letta's optimistic-lock version after the edit, so a replayed or stale
 *       edit changes nothing and block_versions gets every version the source passed through.</li>
 *   <li>delete (the key suffices): {@code block.deleted}.</li>
 * </ul>
 */
final class BlockMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("label", "value", "limit", "description", "read_only", "metadata_",
            "version");

    @Override
    public String table() {
        return "block";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String blockId = change.text("id");
        Row row = change.after();
        switch (change.op()) {
            case CREATE, READ -> {
                Integer version = row.integer("version");
                if (version != null && version > 1) {
                    return List.of(context.events().event(change, blockId, updated(row, Columns.changed(row, null))));
                }
                Map<String, JsonNode> unknown = new LinkedHashMap<>();
                JsonNode metadata = Columns.object(row, "metadata_", unknown);
                unknown.putAll(Columns.extras(row, CARRIED, false));
                return List.of(context.events().event(change, blockId, new BlockCreated(row.text("label"),
                        row.text("value"), row.integer("limit"), row.text("description"), row.bool("read_only"),
                        metadata, unknown)));
            }
            case UPDATE -> {
                var changed = Columns.changed(row, change.before());
                if (change.before() != null && changed.stream().noneMatch(c -> !Columns.BOOKKEEPING.contains(c))) {
                    return List.of();
                }
                return List.of(context.events().event(change, blockId, updated(row, changed)));
            }
            case DELETE -> {
                return List.of(context.events().event(change, blockId, new BlockDeleted(Map.of())));
            }
            default -> throw new IllegalArgumentException("unexpected op " + change.op());
        }
    }

    private static BlockUpdated updated(Row row, Set<String> changed) {
        UpdateFields f = new UpdateFields(row, changed);
        return new BlockUpdated(f.text("label", "label"), f.text("value", "value"), f.integer("limit", "limit"),
                f.text("description", "description"), f.bool("read_only", "read_only"),
                f.object("metadata_", "metadata"), row.integer("version"), f.cleared, f.extras(CARRIED).unknown);
    }
}
