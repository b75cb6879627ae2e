package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Payload of {@code passage.inserted}. Equality compares the embedding by content. */
public record PassageInserted(String passageId, String text, List<String> tags, JsonNode metadata, float[] embedding, String embeddingModel, OffsetDateTime createdAt, Map<String, JsonNode> unknown) implements Payload {
    public PassageInserted {
        unknown = Payload.copyOf(unknown);
        tags = tags == null ? null : List.copyOf(tags);
    }

    static PassageInserted read(PayloadReader r) {
        return new PassageInserted(r.requiredId("passage_id"), r.requiredString("text"), r.stringList("tags", false), r.object("metadata"),
                r.floatArray("embedding"), r.string("embedding_model"), r.timestamp("created_at"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.PASSAGE_INSERTED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("passage_id", passageId).put("text", text).put("tags", tags).put("metadata", metadata)
                .put("embedding", embedding).put("embedding_model", embeddingModel).put("created_at", createdAt)
                .finish(unknown);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PassageInserted p
                && java.util.Objects.equals(passageId, p.passageId) && java.util.Objects.equals(text, p.text)
                && java.util.Objects.equals(tags, p.tags) && java.util.Objects.equals(metadata, p.metadata)
                && java.util.Arrays.equals(embedding, p.embedding) && java.util.Objects.equals(embeddingModel, p.embeddingModel)
                && java.util.Objects.equals(createdAt, p.createdAt) && unknown.equals(p.unknown);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(passageId, text, tags, metadata, java.util.Arrays.hashCode(embedding), embeddingModel, createdAt, unknown);
    }
}
