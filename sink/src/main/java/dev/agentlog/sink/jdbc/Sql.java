package dev.agentlog.sink.jdbc;

import dev.agentlog.sink.fold.Column;
import dev.agentlog.sink.fold.ColumnType;
import java.util.List;
import java.util.stream.Collectors;

/** SQL text helpers: quoted identifiers, schema-qualified tables, parameter placeholders with casts. */
public final class Sql {
    private Sql() {}

    /** A quoted identifier; names come from code or from a validated setting, never from events. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public static String table(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    public static String columnList(List<Column> columns) {
        return columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
    }

    /** {@code (?::text, ?::jsonb, ...)}: explicit casts, so a varchar or untyped parameter lands in its column type. */
    public static String placeholders(List<Column> columns) {
        return columns.stream().map(c -> placeholder(c.type())).collect(Collectors.joining(", ", "(", ")"));
    }

    public static String placeholder(ColumnType type) {
        return "?::" + type.sql();
    }

    /** The element type name for {@link java.sql.Connection#createArrayOf}. */
    public static String arrayElementType(ColumnType type) {
        return switch (type) {
            case TEXT -> "text";
            case INTEGER -> "int4";
            case BIGINT -> "int8";
            default -> throw new IllegalArgumentException("no key arrays of " + type);
        };
    }
}
