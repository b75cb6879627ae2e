package dev.agentlog.letta.mapping;

import java.util.Map;
import java.util.Optional;

/**
 * Reads a passage's current row and tag rows from the source, for a tag change whose passage this process has
 * not seen (it was written before a restart). Current state may be newer than the change being mapped; the
 * changes still to come bring the projection to the same end.
 */
public interface PassageLookup {
    PassageLookup NONE = passageId -> Optional.empty();

    Optional<StoredPassage> find(String passageId);

    /**
     * @param row      the archival_passages row, in the form of a change's row image
     * @param tagsById the passage_tags rows of the passage: tag row id to tag, in creation order
     */
    record StoredPassage(Row row, Map<String, String> tagsById) {}
}
