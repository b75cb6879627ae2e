package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * A block's stream folded back into its {@code block} row, and an archive's stream into its {@code archives} row,
 * {@code archival_passages} and {@code passage_tags}. A {@code block.updated} applies only above the row's version,
 * as the sink applies it; each {@code passage.inserted} is the whole passage again.
 */
final class MemoryFold {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Passage fields that are no column: derived, or carried again as the column itself. */
    private static final Set<String> PASSAGE_SKIP = Set.of("passage_id", "embedding_model", "tags", "passage_tags");

    private final LettaRows rows;

    MemoryFold(LettaRows rows) {
        this.rows = rows;
    }

    void applyBlock(RestoreEvent event) {
        String blockId = event.streamId();
        ObjectNode p = event.payload();
        switch (event.type()) {
            case "block.created" -> {
                ObjectNode row = JSON.objectNode().put("id", blockId).put("version", 1);
                rows.put("block", blockId, PayloadColumns.apply(row, p, Set.of(), Map.of()));
            }
            case "block.updated" -> {
                ObjectNode row = rows.get("block", blockId);
                int version = p.path("version").asInt();
                if (row == null) {
                    // a block first seen at a later version (capture began after its first edits): the update is whole
                    rows.put("block", blockId, PayloadColumns.apply(JSON.objectNode().put("id", blockId), p, Set.of(),
                            Map.of()));
                } else if (version > row.path("version").asInt()) {
                    PayloadColumns.apply(row, p, Set.of(), Map.of());
                }
            }
            case "block.deleted" -> rows.remove("block", blockId);
            default -> { }
        }
    }

    void applyArchive(RestoreEvent event) {
        String archiveId = event.streamId();
        ObjectNode p = event.payload();
        switch (event.type()) {
            case "archive.created" -> rows.put("archives", archiveId,
                    PayloadColumns.apply(JSON.objectNode().put("id", archiveId), p, Set.of(), Map.of()));
            case "archive.deleted" -> {
                rows.remove("archives", archiveId);
                rows.table("archival_passages").values().removeIf(row -> archiveId.equals(row.path("archive_id").asText()));
                rows.table("passage_tags").values().removeIf(row -> archiveId.equals(row.path("archive_id").asText()));
            }
            case "passage.inserted" -> passage(archiveId, p);
            case "passage.deleted" -> {
                String passageId = p.get("passage_id").asText();
                rows.remove("archival_passages", passageId);
                rows.table("passage_tags").values().removeIf(row -> passageId.equals(row.path("passage_id").asText()));
            }
            default -> { }
        }
    }

    private void passage(String archiveId, ObjectNode p) {
        String passageId = p.get("passage_id").asText();
        ObjectNode row = JSON.objectNode().put("id", passageId).put("archive_id", archiveId);
        PayloadColumns.apply(row, p, PASSAGE_SKIP, Map.of());
        if (!p.has("letta_tags") && p.has("tags")) {
            row.set("tags", p.get("tags")); // an event from before the tags column travelled as itself
        }
        rows.put("archival_passages", passageId, row);
        rows.table("passage_tags").values().removeIf(tag -> passageId.equals(tag.path("passage_id").asText()));
        JsonNode tagRows = p.get("passage_tags");
        if (tagRows == null || !tagRows.isArray()) {
            return;
        }
        for (JsonNode tagRow : tagRows) {
            // The tag rows' own bookkeeping is not in the log (capture folds them into the passage): they take the
            // passage's organization and the target's defaults for their timestamps.
            ObjectNode tag = JSON.objectNode().put("id", tagRow.get("id").asText()).put("tag", tagRow.get("tag").asText())
                    .put("passage_id", passageId).put("archive_id", archiveId);
            tag.set("organization_id", row.get("organization_id"));
            rows.put("passage_tags", tagRow.get("id").asText(), tag);
        }
    }
}
