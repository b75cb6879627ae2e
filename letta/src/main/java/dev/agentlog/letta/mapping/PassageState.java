package dev.agentlog.letta.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What this process knows of one archival passage: its last row image, its passage_tags rows and the tags it last
 * sent, so a tag change can be told as the passage's whole row again (the catalogue has no passage.updated; a
 * {@code passage.inserted} of the same passage id replaces the passage's row in the projection).
 *
 * <p>The passage's tags are the union of its {@code tags} column (Letta writes both) and its passage_tags rows, in
 * that order, each tag once.
 */
final class PassageState {
    String archiveId;
    /** The last archival_passages image without its embedding; null once the passage is deleted. */
    Row row;
    /** Kept apart as floats: Letta's embeddings are 4,096 numbers, far smaller so than as JSON. */
    float[] embedding;
    final Map<String, String> tagsById = new LinkedHashMap<>();
    List<String> sentTags;
    /** The tag rows (id to tag) last sent with the passage: a restore gives them back with their ids. */
    Map<String, String> sentTagRows = Map.of();

    boolean deleted() {
        return row == null;
    }

    List<String> tags() {
        LinkedHashSet<String> tags = new LinkedHashSet<>(Columns.strings(row.json("tags")));
        tags.addAll(tagsById.values());
        return new ArrayList<>(tags);
    }
}
