package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The fields of an update payload: a column that changed and is now SQL NULL becomes a cleared field (the
 * contract's "present with null"), a column that did not change stays absent ("unchanged").
 */
final class UpdateFields {
    private final Row row;
    private final Set<String> changed;
    final Set<String> cleared = new LinkedHashSet<>();
    final Map<String, JsonNode> unknown = new LinkedHashMap<>();
    private int present;

    UpdateFields(Row row, Set<String> changed) {
        this.row = row;
        this.changed = changed;
    }

    boolean changed(String column) {
        return changed.contains(column);
    }

    String text(String column, String field) {
        if (!take(column, field)) {
            return null;
        }
        return row.text(column);
    }

    Integer integer(String column, String field) {
        return take(column, field) ? row.integer(column) : null;
    }

    Boolean bool(String column, String field) {
        return take(column, field) ? row.bool(column) : null;
    }

    java.time.OffsetDateTime timestamp(String column, String field) {
        return take(column, field) ? row.timestamp(column) : null;
    }

    JsonNode object(String column, String field) {
        return take(column, field) ? Columns.object(row, column, unknown) : null;
    }

    JsonNode array(String column, String field) {
        return take(column, field) ? Columns.array(row, column, unknown) : null;
    }

    JsonNode any(String column, String field) {
        return take(column, field) ? row.json(column) : null;
    }

    /** The changed columns outside {@code carried}, by their Letta names (null when cleared). */
    UpdateFields extras(Set<String> carried) {
        Map<String, JsonNode> extras = Columns.only(Columns.extras(row, carried, true), changed);
        unknown.putAll(extras);
        return this;
    }

    /** Whether the update says anything. */
    boolean isEmpty() {
        return present == 0 && cleared.isEmpty() && unknown.isEmpty();
    }

    private boolean take(String column, String field) {
        if (!changed.contains(column)) {
            return false;
        }
        if (row.json(column) == null) {
            cleared.add(field);
            return false;
        }
        present++;
        return true;
    }
}
