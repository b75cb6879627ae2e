package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Timestamps;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One image of a source row: column name to value as JSON. Letta's {@code json} columns are already parsed,
 * timestamps are RFC 3339 text, arrays are arrays, SQL NULL is JSON null. A column the source did not send
 * (an unchanged TOASTed value of an update under the default replica identity) is not in {@code values} but in
 * {@code unavailable}: "unchanged, value unknown here", never "null".
 */
public record Row(Map<String, JsonNode> values, Set<String> unavailable) {
    public static final Row EMPTY = new Row(Map.of(), Set.of());

    public Row {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        unavailable = Collections.unmodifiableSet(new LinkedHashSet<>(unavailable));
    }

    public static Row of(Map<String, JsonNode> values) {
        return new Row(values, Set.of());
    }

    /** Whether the source sent this column (its value may be null). */
    public boolean has(String column) {
        return values.containsKey(column);
    }

    /** The value, JSON null for SQL NULL, Java null when the column was not sent. */
    public JsonNode get(String column) {
        return values.get(column);
    }

    /** The value unless it is absent or SQL NULL. */
    public JsonNode json(String column) {
        JsonNode value = values.get(column);
        return value == null || value.isNull() ? null : value;
    }

    public String text(String column) {
        JsonNode value = json(column);
        if (value == null) {
            return null;
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    public Long longValue(String column) {
        JsonNode value = json(column);
        return value != null && value.canConvertToLong() && value.isIntegralNumber() ? value.longValue() : null;
    }

    public Integer integer(String column) {
        JsonNode value = json(column);
        return value != null && value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : null;
    }

    public Boolean bool(String column) {
        JsonNode value = json(column);
        return value != null && value.isBoolean() ? value.booleanValue() : null;
    }

    public OffsetDateTime timestamp(String column) {
        String text = text(column);
        return text == null ? null : Timestamps.parse(text).orElse(null);
    }

    /** This image with the columns it lacks taken from {@code previous} (an older image of the same row). */
    public Row over(Row previous) {
        if (previous == null || unavailable.isEmpty()) {
            return this;
        }
        Map<String, JsonNode> merged = new LinkedHashMap<>(values);
        Set<String> stillUnavailable = new LinkedHashSet<>();
        for (String column : unavailable) {
            if (previous.has(column)) {
                merged.put(column, previous.get(column));
            } else {
                stillUnavailable.add(column);
            }
        }
        return new Row(merged, stillUnavailable);
    }

    /** The available columns as a JSON object (the row images of {@code row.changed}). */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        values.forEach(node::set);
        return node;
    }

    /** Whether the column is available in both images with equal values. */
    public static boolean same(Row a, Row b, String column) {
        return a != null && b != null && a.has(column) && b.has(column) && Objects.equals(a.get(column), b.get(column));
    }
}
