package dev.agentlog.letta.mapping;

import dev.agentlog.events.Event;
import dev.agentlog.events.FileAttached;
import dev.agentlog.events.FileDetached;
import dev.agentlog.events.FileUpdated;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code files_agents} (files of attached folders, open or closed in the agent's context), on the agent's
 * stream: insert or snapshot read is {@code file.attached}, update {@code file.updated} of the changed columns (open,
 * close, a new window, access marked, soft delete as {@code deleted}), delete {@code file.detached}. The key
 * (id, file_id, agent_id) names the agent, so key-only deletes suffice. An unchanged window ({@code visible_content},
 * stored out of line) is not resent by the source and stays what it was.
 */
final class FilesAgentsMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("agent_id", "file_id", "source_id", "file_name", "is_open",
            "visible_content", "start_line", "end_line", "last_accessed_at", "is_deleted");

    @Override
    public String table() {
        return "files_agents";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String rowId = change.text("id");
        String agentId = change.text("agent_id");
        switch (change.op()) {
            case CREATE, READ -> {
                Row row = change.after();
                return List.of(context.events().event(change, agentId, new FileAttached(rowId, row.text("file_id"),
                        row.text("source_id"), row.text("file_name"), row.bool("is_open"), row.text("visible_content"),
                        row.integer("start_line"), row.integer("end_line"), row.timestamp("last_accessed_at"),
                        row.bool("is_deleted"), Columns.extras(row, CARRIED, false))));
            }
            case UPDATE -> {
                Row row = change.after();
                UpdateFields f = new UpdateFields(row, Columns.changed(row, change.before()));
                FileUpdated updated = new FileUpdated(rowId, f.bool("is_open", "is_open"),
                        f.text("visible_content", "visible_content"), f.integer("start_line", "start_line"),
                        f.integer("end_line", "end_line"),
                        f.timestamp("last_accessed_at", "last_accessed_at"), f.bool("is_deleted", "deleted"), f.cleared,
                        f.extras(CARRIED).unknown);
                return f.isEmpty() ? List.of() : List.of(context.events().event(change, agentId, updated));
            }
            case DELETE -> {
                return List.of(context.events().event(change, agentId, new FileDetached(rowId, Map.of())));
            }
            default -> throw new IllegalArgumentException("unexpected op " + change.op());
        }
    }
}
