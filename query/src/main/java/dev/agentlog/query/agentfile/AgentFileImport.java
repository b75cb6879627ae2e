package dev.agentlog.query.agentfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Timestamps;
import dev.agentlog.query.ForkRewriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code agentlog letta import}: a Letta Agent File as the contract's events, the same events capture makes of the rows
 * Letta's importer would write. Each agent: {@code agent.created} (the catalogue's fields, and Letta's other
 * {@code agents} columns as unknown fields), {@code block.attached}, {@code tool.attached}, {@code source.attached},
 * {@code tag.added}, {@code message.created} for each message in file order, {@code context.updated} with its
 * in-context ids, {@code file.attached}; each block {@code block.created} on its stream; each group
 * {@code group.joined} for its agents; tools, sources, files (and their text), groups (and their shared blocks) and
 * MCP servers {@code row.changed} on {@code <Letta table>:<id>}, as capture writes the tables it has no type for.
 * Every id is a new one ({@link ImportIds}). The file is checked whole first ({@link AgentFileCheck}) and then each
 * event against the contract: one bad field refuses the file, naming it. Pure.
 */
public final class AgentFileImport {
    private static final EventCodec CONTRACT = EventCodec.standard();
    /**
     * The events to send, in order, and the new id of each agent of the file.
     *
     * @param agents file id to new id, in file order
     */
    public record Result(List<ObjectNode> events, Map<String, String> agents) {}

    private final ImportIds ids;
    private final String occurredAt;
    private final List<ObjectNode> events = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> newIds = new HashMap<>();

    private AgentFileImport(ImportIds ids, Instant at) {
        this.ids = ids;
        this.occurredAt = Timestamps.format(at.atOffset(ZoneOffset.UTC));
    }

    /**
     * The events of {@code file}.
     *
     * @param at the events' occurred_at: the instant of the import
     * @throws AgentFileException naming every bad field; nothing is made of a bad file
     */
    public static Result events(JsonNode file, ImportIds ids, Instant at) {
        List<String> problems = AgentFileCheck.problems(file);
        if (problems.isEmpty() && ids.newAgentId() != null && file.get("agents").size() != 1) {
            problems = List.of("agents: --as imports a file of one agent, this one holds " + file.get("agents").size()
                    + " (import it without --as: every agent then gets a new id)");
        }
        if (!problems.isEmpty()) {
            throw new AgentFileException(problems);
        }
        AgentFileImport mapping = new AgentFileImport(ids, at);
        Map<String, String> agents = mapping.map(file);
        if (!mapping.problems.isEmpty()) {
            throw new AgentFileException(mapping.problems);
        }
        return new Result(List.copyOf(mapping.events), agents);
    }

    private Map<String, String> map(JsonNode file) {
        Map<String, String> agents = new LinkedHashMap<>();
        for (JsonNode agent : file.get("agents")) {
            agents.put(agent.get("id").asText(), ids.agent(agent.get("id").asText()));
        }
        newIds.putAll(agents);
        forEach(file, "mcp_servers", "mcp_server");
        forEach(file, "tools", "tool");
        forEach(file, "sources", "source");
        forEach(file, "files", "file");
        forEach(file, "blocks", "block");
        forEach(file, "groups", "group");

        for (JsonNode server : file.get("mcp_servers")) {
            ObjectNode row = row(server);
            copy(server, row, List.of("server_type", "server_name", "server_url", "stdio_config", "metadata_"));
            rowChanged("mcp_server", row.get("id").asText(), row, "mcp_servers");
        }
        for (JsonNode tool : file.get("tools")) {
            ObjectNode row = row(tool);
            copy(tool, row, LettaAgentFile.TOOL_FIELDS);
            LettaAgentFile.TOOL_RENAMED.forEach((field, column) -> {
                if (tool.hasNonNull(field)) {
                    row.set(column, tool.get(field));
                }
            });
            rowChanged("tools", row.get("id").asText(), row, "tools");
        }
        for (JsonNode source : file.get("sources")) {
            ObjectNode row = row(source);
            LettaAgentFile.SOURCE_FIELDS.forEach((field, column) -> {
                if (source.hasNonNull(field)) {
                    row.set(column, source.get(field));
                }
            });
            row.put("vector_db_provider", "NATIVE"); // Letta's default; not in the file
            rowChanged("sources", row.get("id").asText(), row, "sources");
        }
        for (JsonNode fileObject : file.get("files")) {
            ObjectNode row = row(fileObject);
            row.put("source_id", newIds.get(fileObject.get("source_id").asText()));
            copy(fileObject, row, LettaAgentFile.FILE_FIELDS);
            rowChanged("files", row.get("id").asText(), row, "files");
            if (fileObject.hasNonNull("content")) {
                ObjectNode text = EventCodec.JSON.createObjectNode();
                text.put("file_id", row.get("id").asText());
                text.put("id", ids.derive("file_content", fileObject.get("id").asText()));
                text.set("text", fileObject.get("content"));
                rowChanged("file_contents", row.get("id").asText() + ":" + text.get("id").asText(), text, "files");
            }
        }
        for (JsonNode block : file.get("blocks")) {
            ObjectNode payload = EventCodec.JSON.createObjectNode();
            copy(block, payload, LettaAgentFile.BLOCK_FIELDS);
            add(EventType.BLOCK_CREATED, newIds.get(block.get("id").asText()), payload, "blocks");
        }
        Map<String, String> blockLabels = new HashMap<>();
        file.get("blocks").forEach(b -> blockLabels.put(b.get("id").asText(), b.get("label").asText()));
        int[] agentIndex = {0};
        for (JsonNode agent : file.get("agents")) {
            agent(agent, "agents[" + agentIndex[0]++ + "]", blockLabels, file);
        }
        for (JsonNode group : file.get("groups")) {
            group(group);
        }
        return agents;
    }

    private void agent(JsonNode agent, String path, Map<String, String> blockLabels, JsonNode file) {
        String agentId = newIds.get(agent.get("id").asText());
        ObjectNode created = EventCodec.JSON.createObjectNode();
        copy(agent, created, LettaAgentFile.AGENT_CATALOGUE);
        copy(agent, created, LettaAgentFile.AGENT_COLUMNS);
        add(EventType.AGENT_CREATED, agentId, created, path);
        for (JsonNode block : list(agent, "block_ids")) {
            ObjectNode payload = EventCodec.JSON.createObjectNode();
            payload.put("block_id", newIds.get(block.asText()));
            payload.put("label", blockLabels.get(block.asText()));
            add(EventType.BLOCK_ATTACHED, agentId, payload, path + ".block_ids");
        }
        link(agent, "tool_ids", EventType.TOOL_ATTACHED, "tool_id", agentId, path, true);
        link(agent, "source_ids", EventType.SOURCE_ATTACHED, "source_id", agentId, path, true);
        link(agent, "tags", EventType.TAG_ADDED, "tag", agentId, path, false);
        Map<String, String> messages = new HashMap<>();
        int index = 0;
        for (JsonNode message : list(agent, "messages")) {
            String fileId = message.get("id").asText();
            String messageId = ids.derive("message", fileId);
            messages.put(fileId, messageId);
            ObjectNode payload = EventCodec.JSON.createObjectNode();
            payload.put("message_id", messageId);
            copy(message, payload, LettaAgentFile.MESSAGE_FIELDS);
            if (message.get("content").isTextual()) {
                // Letta keeps a string content as one text part
                ObjectNode part = EventCodec.JSON.createObjectNode().put("type", "text").put("text",
                        message.get("content").asText());
                payload.set("content", EventCodec.JSON.createArrayNode().add(part));
            }
            String group = message.path("group_id").asText(null);
            if (group != null && newIds.containsKey(group)) {
                payload.put("group_id", newIds.get(group));
            }
            if (message.hasNonNull("created_at")) {
                payload.set("created_at", message.get("created_at"));
            }
            add(EventType.MESSAGE_CREATED, agentId, payload, path + ".messages[" + index++ + "]");
        }
        ObjectNode context = EventCodec.JSON.createObjectNode();
        ArrayNode window = context.putArray("message_ids");
        list(agent, "in_context_message_ids").forEach(id -> window.add(messages.get(id.asText())));
        add(EventType.CONTEXT_UPDATED, agentId, context, path + ".in_context_message_ids");
        index = 0;
        for (JsonNode fileAgent : list(agent, "files_agents")) {
            ObjectNode payload = EventCodec.JSON.createObjectNode();
            payload.put("file_agent_id", ids.derive("file_agent", fileAgent.get("id").asText()));
            payload.put("file_id", newIds.get(fileAgent.get("file_id").asText()));
            payload.put("source_id", newIds.get(fileAgent.get("source_id").asText()));
            copy(fileAgent, payload, LettaAgentFile.FILE_AGENT_FIELDS);
            add(EventType.FILE_ATTACHED, agentId, payload, path + ".files_agents[" + index++ + "]");
        }
        for (JsonNode group : file.get("groups")) {
            for (JsonNode member : group.get("agent_ids")) {
                if (member.asText().equals(agent.get("id").asText())) {
                    ObjectNode payload = EventCodec.JSON.createObjectNode();
                    payload.put("group_id", newIds.get(group.get("id").asText()));
                    add(EventType.GROUP_JOINED, agentId, payload, path);
                }
            }
        }
    }

    /** The group's row (Letta's {@code groups}: its manager config flattened into columns) and shared blocks. */
    private void group(JsonNode group) {
        ObjectNode row = row(group);
        copy(group, row, List.of("description", "project_id", "hidden"));
        ArrayNode members = row.putArray("agent_ids");
        group.get("agent_ids").forEach(id -> members.add(newIds.get(id.asText())));
        JsonNode config = group.path("manager_config");
        String type = config.path("manager_type").asText("round_robin");
        row.put("manager_type", type);
        for (String field : LettaAgentFile.MANAGER_FIELDS.get(type)) {
            JsonNode value = config.get(field);
            if (value != null && !value.isNull()) {
                row.set(field, field.equals("manager_agent_id") ? row.textNode(newIds.get(value.asText())) : value);
            }
        }
        String groupId = row.get("id").asText();
        rowChanged("groups", groupId, row, "groups");
        for (JsonNode block : list(group, "shared_block_ids")) {
            ObjectNode link = EventCodec.JSON.createObjectNode();
            link.put("group_id", groupId);
            link.put("block_id", newIds.get(block.asText()));
            rowChanged("groups_blocks", groupId + ":" + link.get("block_id").asText(), link, "groups");
        }
    }

    private void link(JsonNode agent, String field, EventType type, String payloadField, String agentId, String path,
            boolean isId) {
        for (JsonNode value : list(agent, field)) {
            ObjectNode payload = EventCodec.JSON.createObjectNode();
            payload.put(payloadField, isId ? newIds.get(value.asText()) : value.asText());
            add(type, agentId, payload, path + "." + field);
        }
    }

    private void forEach(JsonNode file, String list, String kind) {
        for (JsonNode item : file.get(list)) {
            newIds.put(item.get("id").asText(), ids.derive(kind, item.get("id").asText()));
        }
    }

    private ObjectNode row(JsonNode object) {
        ObjectNode row = EventCodec.JSON.createObjectNode();
        row.put("id", newIds.get(object.get("id").asText()));
        return row;
    }

    private void rowChanged(String table, String key, ObjectNode row, String path) {
        ObjectNode payload = EventCodec.JSON.createObjectNode();
        payload.put("table", table);
        payload.put("op", "c");
        payload.set("after", row);
        add(EventType.ROW_CHANGED, table + ":" + key, payload, path);
    }

    /** One event, checked against the contract; a refusal is a problem of the file's object at {@code path}. */
    private void add(EventType type, String streamId, ObjectNode payload, String path) {
        ObjectNode event = EventCodec.JSON.createObjectNode();
        event.put("event_id", ids.eventId(events.size()));
        event.put("type", type.wireName());
        event.put("schema_version", type.currentVersion());
        event.put("stream_id", streamId);
        event.put("occurred_at", occurredAt);
        event.put("source", ForkRewriter.SOURCE);
        event.set("payload", payload);
        try {
            CONTRACT.fromJson(event);
        } catch (InvalidEventException e) {
            problems.add(path + ": " + e.getMessage());
        }
        events.add(event);
    }

    /** Copies the fields present and not null. */
    private static void copy(JsonNode from, ObjectNode to, List<String> fields) {
        for (String field : fields) {
            JsonNode value = from.get(field);
            if (value != null && !value.isNull()) {
                to.set(field, value.deepCopy());
            }
        }
    }

    private static Iterable<JsonNode> list(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isArray() ? List.of() : value;
    }
}
