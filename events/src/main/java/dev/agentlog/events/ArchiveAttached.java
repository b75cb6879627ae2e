package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code archive.attached}.  */
public record ArchiveAttached(String archiveId, Map<String, JsonNode> unknown) implements Payload {
    public ArchiveAttached {
        unknown = Payload.copyOf(unknown);
    }

    static ArchiveAttached read(PayloadReader r) {
        return new ArchiveAttached(r.requiredId("archive_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.ARCHIVE_ATTACHED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("archive_id", archiveId)
                .finish(unknown);
    }
}
