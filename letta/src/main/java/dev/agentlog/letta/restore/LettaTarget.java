package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Letta-schema database a restore writes into: what of the agent it already holds, and the writing itself, in
 * {@link LettaTables#INSERT_ORDER} on one connection the caller commits. Values go in as text cast to each column's
 * type as the target's catalog names it (json as JSON text, {@code real[]} as an array literal, pgvector's
 * {@code vector} as {@code [..]}), so one path serves every table. Tables are found on the connection's search_path.
 */
public final class LettaTarget {
    /** What a write did: rows inserted per table, shared rows the target had already, what was left out and why. */
    public record Written(Map<String, Integer> inserted, int sharedPresent, List<String> leftOut) {}

    private record Column(String name, String type, String typeName, char category) {}

    private final Connection c;
    private final Map<String, Map<String, Column>> columns = new LinkedHashMap<>();

    public LettaTarget(Connection c) {
        this.c = c;
    }

    /** The agent's own rows the target already holds, as {@code <table> <id>}; empty when it holds none. */
    public List<String> conflicts(LettaRows rows) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String table : LettaTables.OWNED_WITH_ID) {
            if (LettaTables.KEPT_WHEN_PRESENT.contains(table)) {
                continue;
            }
            List<String> ids = rows.texts(table, "id");
            if (ids.isEmpty()) {
                continue;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + quote(table) + " WHERE id = ANY(?)")) {
                s.setArray(1, c.createArrayOf("text", ids.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(table + " " + rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Writes the rows. Shared rows ({@link LettaTables#SHARED}) and rows another agent may share
     * ({@link LettaTables#KEPT_WHEN_PRESENT}) go in only where the target has none of that key; a
     * group whose manager agent is neither restored nor in the target is left out, with its membership.
     */
    public Written write(LettaRows rows) throws SQLException {
        Map<String, Integer> inserted = new LinkedHashMap<>();
        List<String> leftOut = new ArrayList<>();
        int sharedPresent = 0;
        leaveOutOrphanGroups(rows, leftOut);
        for (String table : LettaTables.INSERT_ORDER) {
            List<ObjectNode> list = new ArrayList<>(rows.rows(table));
            if (list.isEmpty()) {
                continue;
            }
            boolean shared = LettaTables.SHARED.contains(table) || LettaTables.KEPT_WHEN_PRESENT.contains(table);
            int count = insert(table, list, shared, leftOut);
            inserted.put(table, count);
            if (shared) {
                sharedPresent += list.size() - count;
            }
        }
        if (!rows.rows("messages").isEmpty() && exists("message_seq_id")) {
            // Letta's sequence is global: the next message the server writes must come after every restored one
            try (PreparedStatement s = c.prepareStatement("SELECT setval('message_seq_id', greatest("
                    + "(SELECT coalesce(max(sequence_id), 1) FROM messages), (SELECT last_value FROM message_seq_id)))")) {
                s.execute();
            }
        }
        return new Written(inserted, sharedPresent, leftOut);
    }

    private void leaveOutOrphanGroups(LettaRows rows, List<String> leftOut) throws SQLException {
        for (var it = rows.table("groups").entrySet().iterator(); it.hasNext(); ) {
            ObjectNode group = it.next().getValue();
            String manager = group.hasNonNull("manager_agent_id") ? group.get("manager_agent_id").asText() : null;
            if (manager == null || rows.get("agents", manager) != null || has("agents", manager)
                    || has("groups", group.path("id").asText())) {
                continue;
            }
            String groupId = group.path("id").asText();
            it.remove();
            rows.table("groups_agents").values().removeIf(row -> groupId.equals(row.path("group_id").asText()));
            leftOut.add("group " + groupId + " and the agent's membership in it: its manager agent " + manager
                    + " is not in the target (restore that agent first)");
        }
    }

    private int insert(String table, List<ObjectNode> list, boolean shared, List<String> leftOut) throws SQLException {
        Map<String, Column> known = columns(table);
        if (known.isEmpty()) {
            throw new SQLException("the target has no table " + table + " on its search_path: is it a Letta 0.16.8"
                    + " database?");
        }
        // rows with the same columns share one statement, batched
        Map<List<String>, List<ObjectNode>> byShape = new LinkedHashMap<>();
        for (ObjectNode row : list) {
            List<String> names = new ArrayList<>();
            row.fieldNames().forEachRemaining(name -> {
                if (known.containsKey(name)) {
                    names.add(name);
                } else if (!leftOut.contains(table + "." + name)) {
                    leftOut.add(table + "." + name);
                }
            });
            byShape.computeIfAbsent(names, n -> new ArrayList<>()).add(row);
        }
        if (shared) {
            // only the rows the target lacks: so the count is right, and a batch rewritten into multi-row INSERTs
            // (which reports no per-row counts) still says how many went in
            java.util.Set<String> present = existing(table, list);
            byShape.values().forEach(rows -> rows.removeIf(row -> present.contains(row.path("id").asText())));
        }
        int count = 0;
        for (Map.Entry<List<String>, List<ObjectNode>> shape : byShape.entrySet()) {
            if (shape.getValue().isEmpty()) {
                continue;
            }
            List<Column> cols = shape.getKey().stream().map(known::get).toList();
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (");
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < cols.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(quote(cols.get(i).name()));
                values.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(cols.get(i).type()).append(')');
            }
            sql.append(") VALUES (").append(values).append(')').append(shared ? " ON CONFLICT DO NOTHING" : "");
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (ObjectNode row : shape.getValue()) {
                    for (int i = 0; i < cols.size(); i++) {
                        s.setString(i + 1, literal(row.get(cols.get(i).name()), cols.get(i)));
                    }
                    s.addBatch();
                }
                s.executeBatch(); // a failed row fails the batch and the restore: every row went in
                count += shape.getValue().size();
            }
        }
        return count;
    }

    /** The value as PostgreSQL's text input of the column's type; null for SQL NULL. */
    private static String literal(JsonNode value, Column column) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (column.typeName().equals("json") || column.typeName().equals("jsonb")) {
            return value.toString();
        }
        if (value.isArray()) {
            boolean vector = column.typeName().equals("vector");
            StringBuilder out = new StringBuilder(vector ? "[" : "{");
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                out.append(i == 0 ? "" : ",");
                if (item.isNumber() || vector) {
                    out.append(item.asText());
                } else if (item.isNull()) {
                    out.append("NULL");
                } else {
                    out.append('"').append(item.asText().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
            }
            return out.append(vector ? "]" : "}").toString();
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private Map<String, Column> columns(String table) throws SQLException {
        Map<String, Column> known = columns.get(table);
        if (known != null) {
            return known;
        }
        known = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                + "t.typname, t.typcategory FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                + "WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            s.setString(1, quote(table));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String typeName = rs.getString(3);
                    known.put(rs.getString(1), new Column(rs.getString(1), rs.getString(2),
                            typeName.startsWith("_") ? typeName.substring(1) : typeName, rs.getString(4).charAt(0)));
                }
            }
        }
        columns.put(table, known);
        return known;
    }

    /** The ids of these rows the target already holds. */
    private java.util.Set<String> existing(String table, List<ObjectNode> rows) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        List<String> ids = rows.stream().filter(row -> row.hasNonNull("id")).map(row -> row.get("id").asText()).toList();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + quote(table) + " WHERE id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private boolean has(String table, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + quote(table) + " WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private boolean exists(String relation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, relation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
