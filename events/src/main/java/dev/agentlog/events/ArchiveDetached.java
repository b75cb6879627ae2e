package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code archive.detached}.  */
public record ArchiveDetached(String archiveId, Map<String, JsonNode> unknown) implements Payload {
    public ArchiveDetached {
        unknown = Payload.copyOf(unknown);
    }

    static ArchiveDetached read(PayloadReader r) {
        return new ArchiveDetached(r.requiredId("archive_id"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.ARCHIVE_DETACHED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("archive_id", archiveId)
                .finish(unknown);
    }
}
