package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of Letta's tables, by table and then by key (the row's primary key, or the columns a keyless link table is
 * unique by), each row its columns by Letta's names with JSON values (JSON null for SQL NULL; a column a row lacks
 * takes the target's default). Not thread-safe.
 */
public final class LettaRows {
    private final Map<String, Map<String, ObjectNode>> tables = new LinkedHashMap<>();

    public Map<String, ObjectNode> table(String table) {
        return tables.computeIfAbsent(table, t -> new LinkedHashMap<>());
    }

    public ObjectNode get(String table, String key) {
        Map<String, ObjectNode> rows = tables.get(table);
        return rows == null ? null : rows.get(key);
    }

    public void put(String table, String key, ObjectNode row) {
        table(table).put(key, row);
    }

    public ObjectNode remove(String table, String key) {
        Map<String, ObjectNode> rows = tables.get(table);
        return rows == null ? null : rows.remove(key);
    }

    public Collection<ObjectNode> rows(String table) {
        Map<String, ObjectNode> rows = tables.get(table);
        return rows == null ? List.of() : rows.values();
    }

    /** The text of a column of every row of a table, without nulls. */
    public List<String> texts(String table, String column) {
        List<String> out = new ArrayList<>();
        for (ObjectNode row : rows(table)) {
            if (row.hasNonNull(column)) {
                out.add(row.get(column).asText());
            }
        }
        return out;
    }

    public int count() {
        return tables.values().stream().mapToInt(Map::size).sum();
    }
}
