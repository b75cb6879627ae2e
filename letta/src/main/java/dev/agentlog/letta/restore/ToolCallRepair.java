package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --repair}: takes out of the restored agent's windows (its {@code message_ids} and each named conversation's
 * in-context rows) every tool call without its tool result and every tool result without its call: the state a crash
 * between a step's writes leaves, which makes Letta refuse every later request. A call is an id in an assistant
 * message's {@code tool_calls}; a result is a {@code tool} (or legacy {@code function}) message naming it in
 * {@code tool_call_id} or {@code tool_returns}. A message with a call whose result is not in the same window is
 * dropped, then a result whose call is no longer there, until nothing changes; a dropped message leaves
 * {@code messages} and every window.
 */
public final class ToolCallRepair {
    /** One message taken out, and why. */
    public record Dropped(String messageId, String role, String reason) {
        @Override
        public String toString() {
            return messageId + " (" + role + "): " + reason;
        }
    }

    private ToolCallRepair() {}

    public static List<Dropped> repair(LettaRows rows, String agentId) {
        Map<String, Dropped> dropped = new LinkedHashMap<>();
        ObjectNode agent = rows.get("agents", agentId);
        if (agent != null && agent.get("message_ids") instanceof ArrayNode ids) {
            List<String> window = new ArrayList<>();
            ids.forEach(id -> window.add(id.asText()));
            findOrphans(rows, window, dropped);
        }
        Map<String, List<ObjectNode>> conversations = new LinkedHashMap<>();
        for (ObjectNode row : rows.rows("conversation_messages")) {
            if (row.path("in_context").asBoolean() && !row.path("is_deleted").asBoolean()) {
                conversations.computeIfAbsent(row.path("conversation_id").asText(), c -> new ArrayList<>()).add(row);
            }
        }
        for (List<ObjectNode> window : conversations.values()) {
            window.sort(java.util.Comparator.comparingInt(row -> row.path("position").asInt()));
            findOrphans(rows, window.stream().map(row -> row.path("message_id").asText()).toList(), dropped);
        }
        if (dropped.isEmpty()) {
            return List.of();
        }
        if (agent != null && agent.get("message_ids") instanceof ArrayNode ids) {
            ArrayNode kept = ids.arrayNode();
            ids.forEach(id -> {
                if (!dropped.containsKey(id.asText())) {
                    kept.add(id);
                }
            });
            agent.set("message_ids", kept);
        }
        dropped.keySet().forEach(id -> rows.remove("messages", id));
        rows.table("conversation_messages").values()
                .removeIf(row -> dropped.containsKey(row.path("message_id").asText()));
        return List.copyOf(dropped.values());
    }

    private static void findOrphans(LettaRows rows, List<String> window, Map<String, Dropped> dropped) {
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<String> calls = new LinkedHashSet<>();
            Set<String> results = new LinkedHashSet<>();
            for (String id : window) {
                ObjectNode message = rows.get("messages", id);
                if (message != null && !dropped.containsKey(id)) {
                    calls.addAll(callIds(message));
                    results.addAll(resultIds(message));
                }
            }
            for (String id : window) {
                ObjectNode message = rows.get("messages", id);
                if (message == null || dropped.containsKey(id)) {
                    continue;
                }
                List<String> unanswered = callIds(message).stream().filter(call -> !results.contains(call)).toList();
                List<String> uncalled = resultIds(message).stream().filter(call -> !calls.contains(call)).toList();
                String role = message.path("role").asText();
                if (!unanswered.isEmpty()) {
                    dropped.put(id, new Dropped(id, role, "tool call " + String.join(", ", unanswered)
                            + " without its tool result"));
                    changed = true;
                } else if (!uncalled.isEmpty()) {
                    dropped.put(id, new Dropped(id, role, "tool result for " + String.join(", ", uncalled)
                            + " without its tool call"));
                    changed = true;
                }
            }
        }
    }

    static Set<String> callIds(ObjectNode message) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode calls = message.get("tool_calls");
        if (calls != null && calls.isArray()) {
            calls.forEach(call -> {
                if (call.hasNonNull("id")) {
                    out.add(call.get("id").asText());
                }
            });
        }
        return out;
    }

    static Set<String> resultIds(ObjectNode message) {
        Set<String> out = new LinkedHashSet<>();
        String role = message.path("role").asText();
        if (!role.equals("tool") && !role.equals("function")) {
            return out;
        }
        if (message.hasNonNull("tool_call_id")) {
            out.add(message.get("tool_call_id").asText());
        }
        JsonNode returns = message.get("tool_returns");
        if (returns != null && returns.isArray()) {
            returns.forEach(r -> {
                if (r.hasNonNull("tool_call_id")) {
                    out.add(r.get("tool_call_id").asText());
                }
            });
        }
        return out;
    }
}
