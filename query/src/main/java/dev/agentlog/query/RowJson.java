package dev.agentlog.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Timestamps;
import dev.agentlog.sink.fold.Column;
import dev.agentlog.sink.fold.TableDef;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A projection row as a JSON object, one field per column (named as in the table). */
final class RowJson {
    private RowJson() {}

    static <K, R> ObjectNode of(TableDef<K, R> table, R row) {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        Object[] values = table.values(row);
        List<Column> columns = table.columns();
        for (int i = 0; i < values.length; i++) {
            put(out, columns.get(i).name(), values[i]);
        }
        return out;
    }

    static void put(ObjectNode out, String field, Object value) {
        if (value == null) {
            out.putNull(field);
        } else if (value instanceof String s) {
            out.put(field, s);
        } else if (value instanceof Integer i) {
            out.put(field, i);
        } else if (value instanceof Long l) {
            out.put(field, l);
        } else if (value instanceof Boolean b) {
            out.put(field, b);
        } else if (value instanceof Instant instant) {
            out.put(field, time(instant));
        } else if (value instanceof JsonNode json) {
            out.set(field, json);
        } else if (value instanceof float[] floats) {
            ArrayNode array = out.putArray(field);
            for (float f : floats) {
                array.add(f);
            }
        } else {
            throw new IllegalArgumentException("no JSON form for column " + field + " of " + value.getClass());
        }
    }

    /** RFC 3339 in UTC, as the contract writes timestamps. */
    static String time(Instant instant) {
        return instant == null ? null : Timestamps.format(instant.atOffset(ZoneOffset.UTC));
    }
}
