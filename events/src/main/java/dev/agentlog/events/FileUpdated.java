package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;

/**
 * Payload of {@code file.updated}: the changed fields of a file attached to the agent (opened on other lines, closed,
 * its access marked, detached by soft delete); a field set to null is in {@code cleared}.
 */
public record FileUpdated(String fileAgentId, Boolean isOpen, String visibleContent, Integer startLine, Integer endLine,
        OffsetDateTime lastAccessedAt, Boolean deleted, Set<String> cleared, Map<String, JsonNode> unknown)
        implements Payload {
    public FileUpdated {
        cleared = Set.copyOf(cleared);
        unknown = Payload.copyOf(unknown);
    }

    static FileUpdated read(PayloadReader r) {
        return new FileUpdated(r.requiredId("file_agent_id"), r.bool("is_open"), r.string("visible_content"),
                r.integer("start_line"), r.integer("end_line"), r.timestamp("last_accessed_at"), r.bool("deleted"),
                r.cleared(), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.FILE_UPDATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("file_agent_id", fileAgentId).put("is_open", isOpen)
                .put("visible_content", visibleContent).put("start_line", startLine).put("end_line", endLine)
                .put("last_accessed_at", lastAccessedAt).put("deleted", deleted).nulls(cleared).finish(unknown);
    }
}
