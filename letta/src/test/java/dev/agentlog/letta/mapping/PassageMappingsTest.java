package dev.agentlog.letta.mapping;

import static dev.agentlog.letta.mapping.Changes.json;
import static dev.agentlog.letta.mapping.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Event;
import dev.agentlog.events.PassageDeleted;
import dev.agentlog.events.PassageInserted;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** archival_passages and passage_tags, folded into one passage.inserted per change of the passage's tags. */
class PassageMappingsTest {
    static final String P = "passage-44444444-4444-4444-8444-444444444444";
    static final String AR = "archive-1";
    final Map<String, PassageLookup.StoredPassage> source = new LinkedHashMap<>();
    final List<String> unresolved = new ArrayList<>();
    final MappingContext context = new MappingContext(new ChangeEvents("letta"), new MappingState(),
            id -> Optional.ofNullable(source.get(id)), new MappingIssues() {
                @Override
                public void unresolved(Change change, String what) {
                    unresolved.add(what);
                }

                @Override
                public void failed(Change change, RuntimeException error) {
                    throw error;
                }
            });
    final ArchivalPassagesMapping passages = new ArchivalPassagesMapping();
    final PassageTagsMapping tags = new PassageTagsMapping();

    static Row passage(String tags) {
        return row("id", P, "organization_id", "org-1", "archive_id", AR, "text", "Ada prefers tea.",
                "embedding_config", json("{\"embedding_model\":\"text-embedding-3-small\"}"), "metadata_", json("{}"),
                "tags", tags == null ? null : json(tags), "embedding", new float[] {0.12f, -0.03f, 0.5f, 0f},
                "created_at", "2026-11-24T10:00:00Z", "is_deleted", false);
    }

    static Row tag(String id, String tag) {
        return row("id", id, "tag", tag, "passage_id", P, "archive_id", AR, "organization_id", "org-1");
    }

    List<Event> insertTag(String id, String tag) {
        return tags.map(Changes.insert("passage_tags", row("id", id), tag(id, tag)), context);
    }

    static PassageInserted inserted(Event event) {
        return (PassageInserted) event.payload();
    }

    @Test
    void shouldInsertThePassageOnItsArchivesStreamWithItsEmbedding() {
        List<Event> events = passages.map(Changes.insert("archival_passages", row("id", P), passage("[\"tea\"]")), context);

        assertThat(Changes.types(events)).containsExactly("passage.inserted");
        assertThat(events.get(0).streamId()).isEqualTo(AR);
        PassageInserted p = inserted(events.get(0));
        assertThat(p.passageId()).isEqualTo(P);
        assertThat(p.text()).isEqualTo("Ada prefers tea.");
        assertThat(p.tags()).containsExactly("tea");
        assertThat(p.embedding()).containsExactly(0.12f, -0.03f, 0.5f, 0f);
        assertThat(p.embeddingModel()).isEqualTo("text-embedding-3-small");
        assertThat(p.unknown()).containsOnlyKeys("embedding_config", "is_deleted", "organization_id",
                "letta_tags", "passage_tags");
    }

    @Test
    void shouldSendTheTagRowOfATagTheTagsColumnAlreadyHasOnce() {
        passages.map(Changes.insert("archival_passages", row("id", P), passage("[\"tea\"]")), context);

        List<Event> events = insertTag("tag-1", "tea");

        // the tags stay the same; the tag row's id travels, for a restore gives the row back
        assertThat(events).hasSize(1);
        PassageInserted p = (PassageInserted) events.get(0).payload();
        assertThat(p.tags()).containsExactly("tea");
        assertThat(p.unknown().get("passage_tags").toString()).isEqualTo("[{\"id\":\"tag-1\",\"tag\":\"tea\"}]");
    }

    @Test
    void shouldSendThePassageAgainWithTheMergedTagsWhenANewTagComes() {
        passages.map(Changes.insert("archival_passages", row("id", P), passage("[]")), context);

        List<Event> first = insertTag("tag-1", "tea");
        List<Event> second = insertTag("tag-2", "preferences");

        assertThat(inserted(first.get(0)).tags()).containsExactly("tea");
        assertThat(inserted(second.get(0)).tags()).containsExactly("tea", "preferences");
        assertThat(inserted(second.get(0)).text()).isEqualTo("Ada prefers tea.");
        assertThat(inserted(second.get(0)).embedding()).containsExactly(0.12f, -0.03f, 0.5f, 0f);
        assertThat(second.get(0).streamId()).isEqualTo(AR);
    }

    @Test
    void shouldDropATagWhenItsKeyOnlyDeleteResolvesThroughTheTagRowsSeen() {
        passages.map(Changes.insert("archival_passages", row("id", P), passage("[]")), context);
        insertTag("tag-1", "tea");
        insertTag("tag-2", "preferences");

        List<Event> events = tags.map(Changes.keyOnlyDelete("passage_tags", row("id", "tag-1")), context);

        assertThat(inserted(events.get(0)).tags()).containsExactly("preferences");
    }

    @Test
    void shouldReadAPassageNotSeenSinceStartFromTheSource() {
        source.put(P, new PassageLookup.StoredPassage(passage("[]"), Map.of("tag-0", "old")));

        List<Event> events = insertTag("tag-1", "tea");

        assertThat(inserted(events.get(0)).tags()).containsExactly("old", "tea");
        assertThat(inserted(events.get(0)).text()).isEqualTo("Ada prefers tea.");
    }

    @Test
    void shouldKeepTheTagRowsOfAPassageNotSeenSinceStartWhenItIsUpdated() {
        source.put(P, new PassageLookup.StoredPassage(passage("[]"), Map.of("tag-0", "old")));
        Row update = row("id", P, "archive_id", AR, "text", "Ada prefers green tea.", "tags", json("[]"),
                "embedding", new float[] {1f});

        PassageInserted p = inserted(passages.map(Changes.update("archival_passages", row("id", P), null, update), context).get(0));

        assertThat(p.text()).isEqualTo("Ada prefers green tea.");
        assertThat(p.tags()).containsExactly("old");
        assertThat(p.embedding()).containsExactly(1f);
    }

    @Test
    void shouldSendNothingForATagOfAPassageThatIsGone() {
        assertThat(insertTag("tag-1", "tea")).isEmpty();
    }

    @Test
    void shouldSayNothingForTheTagRowsLettaCascadesAfterAPassageDelete() {
        passages.map(Changes.insert("archival_passages", row("id", P), passage("[]")), context);
        insertTag("tag-1", "tea");

        List<Event> deleted = passages.map(Changes.keyOnlyDelete("archival_passages", row("id", P)), context);
        List<Event> cascaded = tags.map(Changes.keyOnlyDelete("passage_tags", row("id", "tag-1")), context);

        assertThat(deleted.get(0).payload()).isEqualTo(new PassageDeleted(P, Map.of()));
        assertThat(deleted.get(0).streamId()).isEqualTo(AR);
        assertThat(cascaded).isEmpty();
        assertThat(unresolved).isEmpty();
    }

    @Test
    void shouldKeepTheEmbeddingAndTextWhenAnUpdateDoesNotCarryThem() {
        passages.map(Changes.insert("archival_passages", row("id", P), passage("[]")), context);
        Row update = row("id", P, "archive_id", AR, "text", Changes.UNAVAILABLE, "embedding", Changes.UNAVAILABLE,
                "tags", json("[\"tea\"]"));

        PassageInserted p = inserted(passages.map(Changes.update("archival_passages", row("id", P), null, update), context).get(0));

        assertThat(p.text()).isEqualTo("Ada prefers tea.");
        assertThat(p.embedding()).containsExactly(0.12f, -0.03f, 0.5f, 0f);
        assertThat(p.tags()).containsExactly("tea");
    }

    @Test
    void shouldSendAnUnattributableKeyOnlyPassageDeleteAsRowChanged() {
        List<Event> events = passages.map(Changes.keyOnlyDelete("archival_passages", row("id", P)), context);

        assertThat(Changes.types(events)).containsExactly("row.changed");
        assertThat(unresolved).containsExactly("the archive of passage " + P);
    }
}
