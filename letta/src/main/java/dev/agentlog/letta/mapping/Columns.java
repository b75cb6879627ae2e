package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading Letta's columns into payload fields. A json column whose value has not the shape the contract expects
 * (an object where a list belongs) is not forced into the field (the processor would reject the event): it travels
 * beside it as the unknown payload field {@code letta_<column>}, so nothing is lost.
 */
final class Columns {
    /** Letta's bookkeeping columns: a change of only these is no change of the agent's state. */
    static final Set<String> BOOKKEEPING = Set.of("id", "organization_id", "created_at", "updated_at",
            "_created_by_id", "_last_updated_by_id");
    /**
     * The one column no payload carries as an unknown field: the row's id, which is the stream or a payload field.
     * The other bookkeeping columns travel as unknown fields under their Letta names, so that a restore gives the
     * rows back column by column (docs/events.md, "Letta's columns").
     */
    static final Set<String> NOT_CARRIED = Set.of("id");

    private Columns() {}

    static JsonNode object(Row row, String column, Map<String, JsonNode> unknown) {
        return shaped(row, column, unknown, JsonNode::isObject);
    }

    static JsonNode array(Row row, String column, Map<String, JsonNode> unknown) {
        return shaped(row, column, unknown, JsonNode::isArray);
    }

    private static JsonNode shaped(Row row, String column, Map<String, JsonNode> unknown,
            java.util.function.Predicate<JsonNode> shape) {
        JsonNode value = row.json(column);
        if (value == null) {
            return null;
        }
        if (shape.test(value)) {
            return value;
        }
        unknown.put("letta_" + column, value);
        return null;
    }

    /** A json list of strings (Letta's message_ids, tags); other items are kept as their JSON text. */
    static List<String> strings(JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(item -> out.add(item.isTextual() ? item.textValue() : item.toString()));
        }
        return out;
    }

    static float[] floats(JsonNode value) {
        if (value == null || !value.isArray() || value.isEmpty()) {
            return null;
        }
        float[] out = new float[value.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode item = value.get(i);
            if (!item.isNumber()) {
                return null;
            }
            out[i] = item.floatValue();
        }
        return out;
    }

    /**
     * The available columns outside {@code carried} and {@link #NOT_CARRIED}, by their Letta names: the unknown
     * payload fields that keep what the catalogue has no field for, bookkeeping (created_at, updated_at,
     * _created_by_id, _last_updated_by_id, organization_id) included. SQL NULLs are left out of a create.
     */
    static Map<String, JsonNode> extras(Row row, Set<String> carried, boolean keepNulls) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        row.values().forEach((column, value) -> {
            if (!carried.contains(column) && !NOT_CARRIED.contains(column) && (keepNulls || !value.isNull())) {
                out.put(column, value);
            }
        });
        return out;
    }

    /** The columns of {@code after} that differ from {@code previous}; every available column when there is none. */
    static Set<String> changed(Row after, Row previous) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String column : after.values().keySet()) {
            if (previous == null || !Row.same(after, previous, column)) {
                out.add(column);
            }
        }
        return out;
    }

    /** The values of {@code columns} kept from {@code extras}, SQL NULL as JSON null (an update clears them). */
    static Map<String, JsonNode> only(Map<String, JsonNode> extras, Set<String> columns) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        extras.forEach((column, value) -> {
            if (columns.contains(column)) {
                out.put(column, value == null ? NullNode.instance : value);
            }
        });
        return out;
    }
}
