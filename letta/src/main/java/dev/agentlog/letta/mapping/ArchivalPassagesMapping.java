package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.PassageDeleted;
import dev.agentlog.events.PassageInserted;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Letta's {@code archival_passages}, on the archive's stream.
 * <ul>
 *   <li>insert, snapshot read or update: {@code passage.inserted} of the whole row: text, tags (the tags column and
 *       the passage_tags rows seen, see {@link PassageState}), metadata, the embedding when present,
 *       embedding_model from embedding_config. An update is the whole row again (no passage.updated in the
 *       catalogue); values it does not carry (unchanged large values) come from the last image seen or, failing
 *       that, from the source.</li>
 *   <li>delete: {@code passage.deleted}. The archive comes from the before-image (REPLICA IDENTITY FULL) or from the
 *       passages this process has seen; when neither knows it, the change travels as {@code row.changed}.</li>
 * </ul>
 */
final class ArchivalPassagesMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("archive_id", "text", "tags", "metadata_", "embedding",
            "created_at");

    @Override
    public String table() {
        return "archival_passages";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String passageId = change.text("id");
        Map<String, PassageState> passages = context.state().passages;
        PassageState state = passages.get(passageId);
        if (change.op() == Op.DELETE) {
            String archiveId = change.before() != null && change.before().text("archive_id") != null
                    ? change.before().text("archive_id") : state == null ? null : state.archiveId;
            if (state != null) {
                // kept as deleted: the tag rows Letta cascades after this delete resolve to it and say nothing
                state.row = null;
            }
            if (archiveId == null) {
                context.issues().unresolved(change, "the archive of passage " + passageId);
                return RowChangedMapping.INSTANCE.map(change, context);
            }
            return List.of(context.events().event(change, archiveId, new PassageDeleted(passageId, Map.of())));
        }
        Row row = change.after().over(state == null ? null : state.row);
        float[] embedding = row.has("embedding") ? Columns.floats(row.json("embedding"))
                : state == null ? null : state.embedding;
        boolean embeddingMissing = row.unavailable().contains("embedding") && embedding == null;
        // An update of a passage not seen since start: its tag rows are known only to the source.
        boolean tagsUnknown = state == null && change.op() == Op.UPDATE;
        Optional<PassageLookup.StoredPassage> stored = Optional.empty();
        if (tagsUnknown || embeddingMissing || row.unavailable().stream().anyMatch(column -> !column.equals("embedding"))) {
            stored = context.passageLookup().find(passageId);
            if (stored.isPresent()) {
                row = row.over(stored.get().row());
                embedding = embedding != null ? embedding : Columns.floats(row.json("embedding"));
            }
        }
        if (state == null) {
            state = new PassageState();
            passages.put(passageId, state);
            if (tagsUnknown && stored.isPresent()) {
                for (Map.Entry<String, String> tag : stored.get().tagsById().entrySet()) {
                    state.tagsById.put(tag.getKey(), tag.getValue());
                    context.state().passageOfTagRow.put(tag.getKey(), passageId);
                }
            }
        }
        state.archiveId = row.text("archive_id");
        state.row = withoutEmbedding(row);
        state.embedding = embedding;
        return List.of(send(change, state, passageId, context));
    }

    /** The passage's whole row with its current tags, as a passage.inserted caused by {@code change}. */
    static Event send(Change change, PassageState state, String passageId, MappingContext context) {
        Row row = state.row;
        Map<String, JsonNode> unknown = new LinkedHashMap<>();
        JsonNode metadata = Columns.object(row, "metadata_", unknown);
        JsonNode embeddingConfig = row.json("embedding_config");
        String embeddingModel = embeddingConfig != null && embeddingConfig.path("embedding_model").isTextual()
                ? embeddingConfig.get("embedding_model").textValue() : null;
        unknown.putAll(Columns.extras(row, CARRIED, false));
        // for a restore: the tags column as it is, and the passage_tags rows (id and tag) the field folds in
        if (row.has("tags")) {
            unknown.put("letta_tags", row.get("tags"));
        }
        com.fasterxml.jackson.databind.node.ArrayNode tagRows = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.arrayNode();
        state.tagsById.forEach((id, tag) -> tagRows.addObject().put("id", id).put("tag", tag));
        unknown.put("passage_tags", tagRows);
        List<String> tags = state.tags();
        state.sentTags = tags;
        state.sentTagRows = new LinkedHashMap<>(state.tagsById);
        return context.events().event(change, state.archiveId, new PassageInserted(passageId, row.text("text"), tags,
                metadata, state.embedding, embeddingModel, row.timestamp("created_at"), unknown));
    }

    static Row withoutEmbedding(Row row) {
        if (!row.has("embedding") && !row.unavailable().contains("embedding")) {
            return row;
        }
        Map<String, JsonNode> values = new LinkedHashMap<>(row.values());
        values.remove("embedding");
        Set<String> unavailable = new java.util.LinkedHashSet<>(row.unavailable());
        unavailable.remove("embedding");
        return new Row(values, unavailable);
    }
}
