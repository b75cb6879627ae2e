package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code archive.deleted}.  */
public record ArchiveDeleted(Map<String, JsonNode> unknown) implements Payload {
    public ArchiveDeleted {
        unknown = Payload.copyOf(unknown);
    }

    static ArchiveDeleted read(PayloadReader r) {
        return new ArchiveDeleted(r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.ARCHIVE_DELETED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter()
                .finish(unknown);
    }
}
