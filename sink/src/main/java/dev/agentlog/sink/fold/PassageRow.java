package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A row of {@code passages}. Equality compares the embedding by content. */
public record PassageRow(String passageId, String archiveId, String text, List<String> tags, JsonNode metadata,
        float[] embedding, String embeddingModel, Instant createdAt) {

    @Override
    public boolean equals(Object o) {
        return o instanceof PassageRow p && passageId.equals(p.passageId) && Objects.equals(archiveId, p.archiveId)
                && Objects.equals(text, p.text) && Objects.equals(tags, p.tags)
                && Objects.equals(metadata, p.metadata) && Arrays.equals(embedding, p.embedding)
                && Objects.equals(embeddingModel, p.embeddingModel) && Objects.equals(createdAt, p.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(passageId, archiveId, text, tags, metadata, Arrays.hashCode(embedding), embeddingModel,
                createdAt);
    }

    @Override
    public String toString() {
        return "PassageRow[passageId=" + passageId + ", archiveId=" + archiveId + ", text=" + text + ", tags=" + tags
                + ", metadata=" + metadata + ", embedding=" + Arrays.toString(embedding) + ", embeddingModel="
                + embeddingModel + ", createdAt=" + createdAt + "]";
    }
}
