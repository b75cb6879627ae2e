package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentlog.events.EventCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds changes as the converter makes them from Debezium records, for the mapping tests. */
final class Changes {
    static final Instant COMMIT = Instant.parse("2026-11-24T11:00:00.123456Z");
    private static long lsn = 0x16B3748;

    private Changes() {}

    /** A row: alternating column names and values (String, Number, Boolean, JsonNode, or null for SQL NULL). */
    static Row row(Object... columnsAndValues) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Set<String> unavailable = new LinkedHashSet<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            String column = (String) columnsAndValues[i];
            Object value = columnsAndValues[i + 1];
            if (value == UNAVAILABLE) {
                unavailable.add(column);
            } else {
                values.put(column, node(value));
            }
        }
        return new Row(values, unavailable);
    }

    static final Object UNAVAILABLE = new Object();

    static JsonNode json(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode node(Object value) {
        if (value == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof String s) {
            return JsonNodeFactory.instance.textNode(s);
        }
        if (value instanceof Integer i) {
            return JsonNodeFactory.instance.numberNode(i);
        }
        if (value instanceof Long l) {
            return JsonNodeFactory.instance.numberNode(l);
        }
        if (value instanceof Boolean b) {
            return JsonNodeFactory.instance.booleanNode(b);
        }
        if (value instanceof float[] floats) {
            var array = JsonNodeFactory.instance.arrayNode();
            for (float f : floats) {
                array.add(f);
            }
            return array;
        }
        throw new IllegalArgumentException("unsupported test value " + value);
    }

    static SourcePosition streamed() {
        return new SourcePosition(lsn += 0x100, 771L, COMMIT, false);
    }

    static Change insert(String table, Row key, Row after) {
        return new Change(table, Op.CREATE, key, null, after, streamed());
    }

    static Change snapshot(String table, Row key, Row after) {
        return new Change(table, Op.READ, key, null, after, new SourcePosition(0x1000, null, COMMIT, true));
    }

    static Change update(String table, Row key, Row before, Row after) {
        return new Change(table, Op.UPDATE, key, before, after, streamed());
    }

    /** A delete under the default replica identity: the before-image is the key. */
    static Change keyOnlyDelete(String table, Row key) {
        return new Change(table, Op.DELETE, key, key, null, streamed());
    }

    static Change fullDelete(String table, Row key, Row before) {
        return new Change(table, Op.DELETE, key, before, null, streamed());
    }

    static List<String> types(List<dev.agentlog.events.Event> events) {
        return events.stream().map(e -> e.type().wireName()).toList();
    }
}
