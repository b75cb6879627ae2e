package dev.agentlog.letta.mapping;

import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One row change of a source table, as the mappings see it.
 *
 * @param table  the table, without schema
 * @param key    the primary-key columns
 * @param before the row before the change: the whole row only when the table has {@code REPLICA IDENTITY FULL};
 *               otherwise null for updates and the key columns alone for deletes
 * @param after  the row after the change; null for deletes
 */
public record Change(String table, Op op, Row key, Row before, Row after, SourcePosition position) {
    public Change {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(position, "position");
        key = key == null ? Row.EMPTY : key;
        if (op != Op.DELETE && after == null) {
            throw new IllegalArgumentException(op + " of " + table + " without an after image");
        }
    }

    /** The most complete image there is: after, else before, else the key. */
    public Row image() {
        if (after != null) {
            return after;
        }
        return before != null ? before : key;
    }

    /** The key values joined by ':' (how row.changed names a row's stream). */
    public String keyText() {
        return key.values().values().stream()
                .map(v -> v.isTextual() ? v.textValue() : v.toString())
                .collect(Collectors.joining(":"));
    }

    /** A value of the row: from the after image, else before, else the key. */
    public String text(String column) {
        for (Row row : new Row[] {after, before, key}) {
            if (row != null && row.json(column) != null) {
                return row.text(column);
            }
        }
        return null;
    }
}
