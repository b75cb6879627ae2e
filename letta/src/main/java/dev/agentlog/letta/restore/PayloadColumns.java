package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * From a payload back to Letta's columns, the reverse of the mapping's payloads: a field the contract names
 * differently goes back to its column ({@code metadata} to {@code metadata_}, {@code deleted} to {@code is_deleted},
 * {@code source_sequence} to {@code sequence_id}), an unknown field is a column under its own name, and
 * {@code letta_<column>} (a value that had not the shape the field wants) is that column as it was. A field present
 * with null is a column set to NULL; a field absent leaves the column as it was.
 */
final class PayloadColumns {
    private static final Map<String, String> RENAMED = Map.of("metadata", "metadata_", "deleted", "is_deleted",
            "source_sequence", "sequence_id");

    private PayloadColumns() {}

    /**
     * Copies the payload's columns onto {@code row}.
     *
     * @param skip payload fields that are no column of this table (ids the caller placed, derived values)
     * @param renamed this table's own renames, over the common ones (a block link's {@code label} is
     *     {@code block_label})
     */
    static ObjectNode apply(ObjectNode row, ObjectNode payload, Set<String> skip, Map<String, String> renamed) {
        ObjectNode asIs = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (skip.contains(name)) {
                continue;
            }
            if (name.startsWith("letta_")) {
                if (asIs == null) {
                    asIs = row.objectNode();
                }
                asIs.set(name.substring("letta_".length()), field.getValue());
                continue;
            }
            String column = renamed.getOrDefault(name, RENAMED.getOrDefault(name, name));
            row.set(column, field.getValue());
        }
        if (asIs != null) {
            row.setAll(asIs); // the column as it was wins over the field that could not hold it
        }
        return row;
    }
}
