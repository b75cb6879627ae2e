package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Payload of {@code archive.created}.  */
public record ArchiveCreated(String name, String description, JsonNode embeddingConfig, JsonNode metadata, Map<String, JsonNode> unknown) implements Payload {
    public ArchiveCreated {
        unknown = Payload.copyOf(unknown);
    }

    static ArchiveCreated read(PayloadReader r) {
        return new ArchiveCreated(r.requiredString("name"), r.string("description"), r.object("embedding_config"), r.object("metadata"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.ARCHIVE_CREATED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("name", name).put("description", description).put("embedding_config", embeddingConfig).put("metadata", metadata)
                .finish(unknown);
    }
}
