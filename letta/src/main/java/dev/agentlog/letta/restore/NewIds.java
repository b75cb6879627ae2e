package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --as NEW_ID}: every row the agent owns gets a new id in Letta's format ({@code <prefix>-<uuid4>}, the prefix
 * of the old id: {@code message-...}, {@code block-...}), and every value that named an old id names the new one
 * (foreign keys, {@code message_ids}); shared rows keep their ids. Messages take new {@code sequence_id}s from the
 * target's sequence (Letta's is one for all agents, unique), in their old order.
 */
final class NewIds {
    private static final Pattern LETTA_ID = Pattern.compile("^(.+)-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
            + "-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private NewIds() {}

    static void assign(LettaRows rows, String agentId, String newAgentId) {
        Map<String, String> renamed = new HashMap<>();
        renamed.put(agentId, newAgentId);
        for (String table : LettaTables.OWNED_WITH_ID) {
            for (ObjectNode row : rows.rows(table)) {
                String id = row.path("id").asText();
                renamed.computeIfAbsent(id, NewIds::fresh);
            }
        }
        for (String table : LettaTables.INSERT_ORDER) {
            if (LettaTables.SHARED.contains(table)) {
                continue;
            }
            Map<String, ObjectNode> byKey = rows.table(table);
            List<ObjectNode> all = new ArrayList<>(byKey.values());
            byKey.clear();
            for (ObjectNode row : all) {
                rewrite(row, renamed);
                if (table.equals("messages")) {
                    row.remove("sequence_id");
                }
                byKey.put(row.has("id") ? row.get("id").asText() : Integer.toString(byKey.size()), row);
            }
        }
    }

    static String fresh(String oldId) {
        Matcher m = LETTA_ID.matcher(oldId);
        String prefix = m.matches() ? m.group(1) : oldId.contains("-") ? oldId.substring(0, oldId.indexOf('-')) : oldId;
        return prefix + "-" + UUID.randomUUID();
    }

    private static void rewrite(ObjectNode row, Map<String, String> renamed) {
        row.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isTextual() && renamed.containsKey(value.textValue())) {
                field.setValue(TextNode.valueOf(renamed.get(value.textValue())));
            } else if (value.isArray() && field.getKey().equals("message_ids")) {
                ArrayNode ids = (ArrayNode) value;
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i).asText();
                    if (renamed.containsKey(id)) {
                        ids.set(i, TextNode.valueOf(renamed.get(id)));
                    }
                }
            }
        });
    }
}
