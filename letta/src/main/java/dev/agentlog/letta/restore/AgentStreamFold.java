package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * The agent's own stream folded back into Letta's rows: {@code agents} (with {@code message_ids} from the latest
 * {@code context.updated}), {@code messages}, {@code blocks_agents}, {@code archives_agents}, {@code conversations},
 * {@code conversation_messages}, {@code blocks_conversations}, {@code files_agents} and the link tables. Each event
 * undoes what {@code dev.agentlog.letta.mapping} made of a row change; its unknown fields are the row's other columns.
 */
final class AgentStreamFold {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Link event type prefix to its table and target column. */
    private static final Map<String, String[]> LINKS = Map.of("tool", new String[] {"tools_agents", "tool_id"},
            "source", new String[] {"sources_agents", "source_id"},
            "identity", new String[] {"identities_agents", "identity_id"},
            "group", new String[] {"groups_agents", "group_id"}, "tag", new String[] {"agents_tags", "tag"});

    private final String agentId;
    private final LettaRows rows;

    AgentStreamFold(String agentId, LettaRows rows) {
        this.agentId = agentId;
        this.rows = rows;
    }

    void apply(RestoreEvent event) {
        ObjectNode p = event.payload();
        switch (event.type()) {
            case "agent.created" -> {
                ObjectNode row = JSON.objectNode().put("id", agentId);
                PayloadColumns.apply(row, p, Set.of(), Map.of());
                row.set("message_ids", JSON.arrayNode()); // Letta's create writes a list; context.updated fills it
                rows.put("agents", agentId, row);
            }
            case "agent.updated" -> update("agents", agentId, p, Set.of(), Map.of());
            case "agent.deleted" -> rows.remove("agents", agentId);
            case "context.updated" -> {
                ObjectNode agent = rows.get("agents", agentId);
                if (agent != null) {
                    agent.set("message_ids", p.get("message_ids"));
                }
            }
            case "message.created" -> {
                String id = p.get("message_id").asText();
                ObjectNode row = JSON.objectNode().put("id", id).put("agent_id", agentId);
                rows.put("messages", id, PayloadColumns.apply(row, p, Set.of("message_id"), Map.of()));
            }
            case "message.updated" -> update("messages", p.get("message_id").asText(), p, Set.of("message_id"), Map.of());
            case "message.deleted" -> rows.remove("messages", p.get("message_id").asText());
            case "block.attached" -> {
                String blockId = p.get("block_id").asText();
                rows.put("blocks_agents", blockId, JSON.objectNode().put("agent_id", agentId).put("block_id", blockId)
                        .set("block_label", p.get("label")));
            }
            case "block.detached" -> rows.remove("blocks_agents", p.get("block_id").asText());
            case "archive.attached" -> {
                String archiveId = p.get("archive_id").asText();
                ObjectNode row = JSON.objectNode().put("agent_id", agentId);
                rows.put("archives_agents", archiveId, PayloadColumns.apply(row, p, Set.of(), Map.of()));
            }
            case "archive.detached" -> rows.remove("archives_agents", p.get("archive_id").asText());
            case "conversation.created" -> {
                String id = p.get("conversation_id").asText();
                ObjectNode row = JSON.objectNode().put("id", id).put("agent_id", agentId);
                rows.put("conversations", id, PayloadColumns.apply(row, p, Set.of("conversation_id"), Map.of()));
            }
            case "conversation.updated" -> update("conversations", p.get("conversation_id").asText(), p,
                    Set.of("conversation_id"), Map.of());
            case "conversation.deleted" -> rows.remove("conversations", p.get("conversation_id").asText());
            case "conversation.message.added" -> {
                String id = p.get("conversation_message_id").asText();
                ObjectNode row = JSON.objectNode().put("id", id).put("agent_id", agentId);
                rows.put("conversation_messages", id,
                        PayloadColumns.apply(row, p, Set.of("conversation_message_id"), Map.of()));
            }
            case "conversation.message.updated" -> update("conversation_messages",
                    p.get("conversation_message_id").asText(), p, Set.of("conversation_message_id"), Map.of());
            case "conversation.message.removed" -> rows.remove("conversation_messages",
                    p.get("conversation_message_id").asText());
            case "conversation.block.attached" -> {
                ObjectNode row = JSON.objectNode();
                PayloadColumns.apply(row, p, Set.of(), Map.of("label", "block_label"));
                rows.put("blocks_conversations", conversationBlockKey(p), row);
            }
            case "conversation.block.detached" -> rows.remove("blocks_conversations", conversationBlockKey(p));
            case "file.attached" -> {
                String id = p.get("file_agent_id").asText();
                ObjectNode row = JSON.objectNode().put("id", id).put("agent_id", agentId);
                rows.put("files_agents", id, PayloadColumns.apply(row, p, Set.of("file_agent_id"), Map.of()));
            }
            case "file.updated" -> update("files_agents", p.get("file_agent_id").asText(), p, Set.of("file_agent_id"),
                    Map.of());
            case "file.detached" -> rows.remove("files_agents", p.get("file_agent_id").asText());
            default -> link(event);
        }
    }

    private void link(RestoreEvent event) {
        String type = event.type();
        int dot = type.indexOf('.');
        String[] link = dot < 0 ? null : LINKS.get(type.substring(0, dot));
        if (link == null) {
            return; // a type of the agent's stream that is no row of Letta's (none today)
        }
        JsonNode target = event.payload().get(link[1]);
        boolean made = type.endsWith(".attached") || type.endsWith(".joined") || type.endsWith(".added");
        if (made) {
            rows.put(link[0], target.asText(), JSON.objectNode().put("agent_id", agentId).set(link[1], target));
        } else {
            rows.remove(link[0], target.asText());
        }
    }

    private void update(String table, String key, ObjectNode payload, Set<String> skip, Map<String, String> renamed) {
        ObjectNode row = rows.get(table, key);
        if (row != null) { // an update of a row the log never created (a log that starts mid-stream) is left out
            PayloadColumns.apply(row, payload, skip, renamed);
        }
    }

    private static String conversationBlockKey(ObjectNode p) {
        return p.get("conversation_id").asText() + "|" + p.get("block_id").asText();
    }
}
