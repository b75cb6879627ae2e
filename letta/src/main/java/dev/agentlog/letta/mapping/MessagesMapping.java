package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentlog.events.Event;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.MessageDeleted;
import dev.agentlog.events.MessageUpdated;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code messages} table, on the stream of the message's agent.
 * <ul>
 *   <li>insert (or snapshot read): {@code message.created} (schema version 2). Letta's content parts travel as they
 *       are; a legacy row with only the {@code text} column gets one text part; {@code sequence_id} is the
 *       {@code source_sequence}.</li>
 *   <li>update (Letta rewrites the system message in place): {@code message.updated} with the changed columns when
 *       there is a before-image, else with every column the update carried.</li>
 *   <li>delete: {@code message.deleted} on the agent's stream. The agent comes from the before-image (REPLICA
 *       IDENTITY FULL) or from the messages this process has seen; when neither knows it (a key-only delete of a
 *       message written before a restart), the change travels as {@code row.changed} and is reported.</li>
 * </ul>
 */
final class MessagesMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("agent_id", "role", "content", "text", "tool_calls", "tool_call_id",
            "tool_returns", "name", "step_id", "run_id", "otid", "sequence_id", "created_at");

    @Override
    public String table() {
        return "messages";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String messageId = change.text("id");
        Map<String, String> agents = context.state().agentOfMessage;
        switch (change.op()) {
            case CREATE, READ -> {
                Row row = change.after();
                String agentId = row.text("agent_id");
                Map<String, JsonNode> unknown = new LinkedHashMap<>();
                JsonNode content = content(row, unknown);
                JsonNode toolCalls = Columns.array(row, "tool_calls", unknown);
                unknown.putAll(Columns.extras(row, CARRIED, false));
                agents.put(messageId, agentId);
                return List.of(context.events().event(change, agentId, new MessageCreated(messageId, row.text("role"),
                        content, toolCalls, row.text("tool_call_id"), row.json("tool_returns"), row.text("name"),
                        row.text("step_id"), row.text("run_id"), row.text("otid"), row.longValue("sequence_id"),
                        row.timestamp("created_at"), unknown)));
            }
            case UPDATE -> {
                Row row = change.after();
                String agentId = row.text("agent_id");
                agents.put(messageId, agentId);
                UpdateFields f = new UpdateFields(row, Columns.changed(row, change.before()));
                String role = f.text("role", "role");
                JsonNode content = f.array("content", "content");
                if (f.changed("text") && row.json("content") == null && row.text("text") != null) {
                    content = textPart(row.text("text"));
                    f.cleared.remove("content");
                    f.unknown.put("text", row.get("text"));
                    f.unknown.put("letta_content", com.fasterxml.jackson.databind.node.NullNode.instance);
                }
                MessageUpdated updated = new MessageUpdated(messageId, role, content,
                        f.array("tool_calls", "tool_calls"), f.text("tool_call_id", "tool_call_id"),
                        f.any("tool_returns", "tool_returns"), f.text("name", "name"), f.text("step_id", "step_id"),
                        f.text("run_id", "run_id"), f.text("otid", "otid"), f.cleared,
                        f.extras(CARRIED).unknown);
                if (f.isEmpty() && content == null) {
                    return List.of();
                }
                return List.of(context.events().event(change, agentId, updated));
            }
            case DELETE -> {
                String agentId = change.before() != null && change.before().text("agent_id") != null
                        ? change.before().text("agent_id") : agents.get(messageId);
                agents.remove(messageId);
                if (agentId == null) {
                    context.issues().unresolved(change, "the agent of message " + messageId);
                    return RowChangedMapping.INSTANCE.map(change, context);
                }
                return List.of(context.events().event(change, agentId, new MessageDeleted(messageId, Map.of())));
            }
            default -> throw new IllegalArgumentException("unexpected op " + change.op());
        }
    }

    /** Content parts as Letta stores them, or one text part made of the legacy text column. */
    private static JsonNode content(Row row, Map<String, JsonNode> unknown) {
        JsonNode content = Columns.array(row, "content", unknown);
        String text = row.text("text");
        if (content == null && text != null) {
            // a legacy row: the text column as one part; the columns as they are, for a restore
            unknown.put("text", row.get("text"));
            unknown.put("letta_content", com.fasterxml.jackson.databind.node.NullNode.instance);
            return textPart(text);
        }
        if (text != null) {
            unknown.put("text", row.get("text"));
        }
        return content;
    }

    private static ArrayNode textPart(String text) {
        ArrayNode parts = JsonNodeFactory.instance.arrayNode();
        parts.addObject().put("type", "text").put("text", text);
        return parts;
    }
}
