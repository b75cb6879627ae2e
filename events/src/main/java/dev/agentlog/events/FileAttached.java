package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Payload of {@code file.attached}: a file of a folder attached to the agent (Letta's {@code files_agents} row, id
 * {@code file_agent_id}). While {@code is_open}, its {@code visible_content} (a window of the file's text) is part of
 * the agent's context; Letta closes files by eviction and detaches them by soft delete ({@code deleted}).
 */
public record FileAttached(String fileAgentId, String fileId, String sourceId, String fileName, Boolean isOpen,
        String visibleContent, Integer startLine, Integer endLine, OffsetDateTime lastAccessedAt, Boolean deleted,
        Map<String, JsonNode> unknown) implements Payload {
    public FileAttached {
        unknown = Payload.copyOf(unknown);
    }

    static FileAttached read(PayloadReader r) {
        return new FileAttached(r.requiredId("file_agent_id"), r.requiredId("file_id"), r.string("source_id"),
                r.string("file_name"), r.bool("is_open"), r.string("visible_content"), r.integer("start_line"),
                r.integer("end_line"), r.timestamp("last_accessed_at"), r.bool("deleted"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.FILE_ATTACHED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("file_agent_id", fileAgentId).put("file_id", fileId).put("source_id", sourceId)
                .put("file_name", fileName).put("is_open", isOpen).put("visible_content", visibleContent)
                .put("start_line", startLine).put("end_line", endLine).put("last_accessed_at", lastAccessedAt)
                .put("deleted", deleted).finish(unknown);
    }
}
