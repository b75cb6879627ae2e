package dev.agentlog.letta.mapping;

import dev.agentlog.events.Event;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Letta's {@code passage_tags} (one row per tag of a passage), folded into the passage's tags: when a tag row comes
 * or goes, the passage is sent again whole as {@code passage.inserted} with the new tags and tag rows (the catalogue
 * has no passage.updated), on the archive's stream; also when the tag was already in the passage's tags column
 * (Letta writes both), for the tag row's id is what a restore needs to give the row back.
 *
 * <p>The passage comes from what this process has seen, else from the source ({@link PassageLookup}); a passage
 * that is gone sends nothing (its passage.deleted comes or came). A key-only delete names only the tag row's id:
 * it resolves through the tag rows seen; one that does not resolve travels as {@code row.changed}.
 */
final class PassageTagsMapping implements TableMapping {
    @Override
    public String table() {
        return "passage_tags";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        MappingState memory = context.state();
        String tagRowId = change.text("id");
        String passageId = change.op() == Op.DELETE
                ? Optional.ofNullable(change.before()).map(b -> b.text("passage_id")).orElse(memory.passageOfTagRow.get(tagRowId))
                : change.after().text("passage_id");
        if (passageId == null) {
            context.issues().unresolved(change, "the passage of tag row " + tagRowId);
            return RowChangedMapping.INSTANCE.map(change, context);
        }
        PassageState state = memory.passages.get(passageId);
        if (state == null) {
            state = load(passageId, context);
            if (state == null) {
                return List.of();
            }
        }
        if (change.op() == Op.DELETE) {
            memory.passageOfTagRow.remove(tagRowId);
            state.tagsById.remove(tagRowId);
        } else {
            memory.passageOfTagRow.put(tagRowId, passageId);
            state.tagsById.put(tagRowId, change.after().text("tag"));
        }
        if (state.deleted() || (state.tags().equals(state.sentTags) && state.tagsById.equals(state.sentTagRows))) {
            return List.of();
        }
        return List.of(ArchivalPassagesMapping.send(change, state, passageId, context));
    }

    private static PassageState load(String passageId, MappingContext context) {
        Optional<PassageLookup.StoredPassage> stored = context.passageLookup().find(passageId);
        if (stored.isEmpty()) {
            return null;
        }
        PassageState state = new PassageState();
        state.row = ArchivalPassagesMapping.withoutEmbedding(stored.get().row());
        state.embedding = Columns.floats(stored.get().row().json("embedding"));
        state.archiveId = state.row.text("archive_id");
        for (Map.Entry<String, String> tag : stored.get().tagsById().entrySet()) {
            state.tagsById.put(tag.getKey(), tag.getValue());
            context.state().passageOfTagRow.put(tag.getKey(), passageId);
        }
        context.state().passages.put(passageId, state);
        return state;
    }
}
