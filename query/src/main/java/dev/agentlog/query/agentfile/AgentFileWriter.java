package dev.agentlog.query.agentfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Timestamps;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the agent file of folded agents ({@link AgentFileFold}) as Letta 0.16.8's exporter does
 * ({@code AgentSerializationManager.export}): every object gets a file id {@code <kind>-<n>}, numbered per kind in the
 * order Letta's exporter meets them (each agent in turn: the agent, its messages, tools, sources, blocks, files,
 * groups); blocks are listed by label, tools by name; the agent's fields are {@code CreateAgent}'s with the values
 * Letta's exporter gives the creation-only ones ({@code include_base_tools: false}, ...). Unlike Letta's exporter,
 * every message of the agent is written (Letta's writes its window, or its last 50 messages), and groups an agent joined
 * are written too (Letta's writes only groups an agent of the file manages). Pure.
 */
public final class AgentFileWriter {
    private static final DateTimeFormatter PYDANTIC_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private final AgentFileFold fold;
    private final Map<String, Map<String, String>> fileIds = new HashMap<>();

    private AgentFileWriter(AgentFileFold fold) {
        this.fold = fold;
    }

    /**
     * The agent file of {@code agentIds} (each one that exists in the fold), with the groups, blocks, tools, sources and
     * files they use.
     *
     * @param at the instant the file is of: its {@code created_at}
     */
    public static ObjectNode write(AgentFileFold fold, List<String> agentIds, Instant at) {
        return new AgentFileWriter(fold).file(agentIds, at);
    }

    private ObjectNode file(List<String> agentIds, Instant at) {
        List<ObjectNode> agents = new ArrayList<>();
        Map<String, ObjectNode> groups = new LinkedHashMap<>();
        for (String agentId : agentIds) {
            agents.add(agent(agentId, groups));
        }
        // groups the agents joined without managing them (Letta's exporter leaves them out)
        for (String agentId : agentIds) {
            for (String groupId : fold.agent(agentId).links("group")) {
                ObjectNode row = fold.row("groups", groupId);
                if (row != null && !groups.containsKey(groupId)) {
                    id("group", groupId);
                    groups.put(groupId, row);
                }
            }
        }
        ObjectNode file = EventCodec.JSON.createObjectNode();
        file.set("agents", array(agents));
        ArrayNode groupArray = file.putArray("groups");
        groups.forEach((id, row) -> groupArray.add(group(id, row)));
        file.set("blocks", blocks());
        file.set("files", files());
        file.set("sources", sources());
        file.set("tools", tools());
        file.putArray("mcp_servers");
        file.putArray("skills");
        file.putObject("metadata").put("revision_id", LettaAgentFile.REVISION_ID);
        file.put("created_at", time(at));
        DanglingReferences.prune(file);
        return file;
    }

    private ObjectNode agent(String agentId, Map<String, ObjectNode> groups) {
        AgentFileFold.Agent agent = fold.agent(agentId);
        JsonNode f = agent.fields;
        String fileId = id("agent", agentId);
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.set("name", value(f, "name"));
        out.putArray("memory_blocks");
        out.putArray("tools");
        List<ObjectNode> messages = new ArrayList<>();
        for (ObjectNode message : agent.messages.values()) {
            messages.add(message(message, id("message", message.path("message_id").asText()), fileId));
        }
        out.set("tool_ids", ids("tool", agent.links("tool")));
        out.set("source_ids", ids("source", agent.links("source")));
        out.putNull("folder_ids");
        out.set("block_ids", ids("block", agent.blockIds()));
        out.set("tool_rules", value(f, "tool_rules"));
        ArrayNode tags = out.putArray("tags");
        agent.links("tag").forEach(tags::add);
        out.set("system", value(f, "system"));
        out.set("agent_type", value(f, "agent_type"));
        out.putNull("initial_message_sequence");
        out.put("include_base_tools", false);
        out.put("include_multi_agent_tools", false);
        out.put("include_base_tool_rules", false);
        out.put("include_default_source", false);
        out.set("description", value(f, "description"));
        out.set("metadata", value(f, "metadata"));
        out.set("llm_config", value(f, "llm_config"));
        out.set("embedding_config", value(f, "embedding_config"));
        for (String none : List.of("model", "embedding", "model_settings")) {
            out.putNull(none);
        }
        out.set("compaction_settings", value(f, "compaction_settings"));
        for (String none : List.of("context_window_limit", "embedding_chunk_size", "max_tokens", "max_reasoning_tokens")) {
            out.putNull(none);
        }
        out.put("enable_reasoner", false);
        out.putNull("reasoning");
        out.putNull("from_template");
        out.put("template", false);
        out.putNull("project");
        out.putObject("tool_exec_environment_variables"); // values are secrets, never captured
        out.putNull("secrets");
        for (String none : List.of("memory_variables", "project_id", "template_id", "base_template_id", "identity_ids")) {
            out.putNull(none);
        }
        out.put("message_buffer_autoclear", f.path("message_buffer_autoclear").asBoolean(false));
        out.put("enable_sleeptime", false);
        out.set("response_format", value(f, "response_format"));
        out.put("timezone", f.hasNonNull("timezone") ? f.get("timezone").asText() : "UTC");
        out.set("max_files_open", value(f, "max_files_open"));
        out.set("per_file_view_window_char_limit", value(f, "per_file_view_window_char_limit"));
        out.putNull("hidden");
        out.putNull("parallel_tool_calls");
        out.put("id", fileId);
        omitNull(out, "name", "agent_type"); // not Optional in CreateAgent: absent takes Letta's default, null fails
        ArrayNode window = out.putArray("in_context_message_ids");
        for (String messageId : agent.window) {
            // a window entry naming a message the log does not hold (deleted, never sent) cannot be written
            if (agent.messages.containsKey(messageId)) {
                window.add(id("message", messageId));
            }
        }
        out.set("messages", array(messages));
        ArrayNode files = out.putArray("files_agents");
        for (ObjectNode fileAgent : agent.files()) {
            files.add(fileAgent(fileAgent, fileId));
        }
        ArrayNode groupIds = out.putArray("group_ids");
        for (String groupId : managedGroups(agentId)) {
            groupIds.add(id("group", groupId));
            groups.put(groupId, fold.row("groups", groupId));
        }
        return out;
    }

    /** The groups (live at the instant) whose manager is the agent: Letta's {@code multi_agent_group}. */
    private List<String> managedGroups(String agentId) {
        List<String> out = new ArrayList<>();
        fold.rows("groups").forEach((stream, row) -> {
            if (agentId.equals(row.path("manager_agent_id").asText(null))) {
                out.add(stream.substring("groups:".length()));
            }
        });
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private ObjectNode message(JsonNode m, String fileId, String agentFileId) {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("type", "message");
        out.set("otid", value(m, "otid"));
        String group = m.path("group_id").asText(null);
        out.set("group_id", group == null ? out.nullNode() : out.textNode(known("group", group)));
        out.set("role", value(m, "role"));
        out.set("content", m.hasNonNull("content") ? m.get("content").deepCopy() : out.arrayNode());
        for (String field : List.of("name", "sender_id", "batch_item_id")) {
            out.set(field, value(m, field));
        }
        out.put("id", fileId);
        out.set("model", value(m, "model"));
        out.put("agent_id", agentFileId);
        for (String field : List.of("tool_calls", "tool_call_id", "tool_returns")) {
            out.set(field, value(m, field));
        }
        out.set("created_at", timeValue(m, "created_at"));
        for (String field : List.of("approve", "approval_request_id", "denial_reason", "approvals")) {
            out.set(field, value(m, field));
        }
        omitNull(out, "created_at");
        return out;
    }

    private ObjectNode fileAgent(JsonNode f, String agentFileId) {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("agent_id", agentFileId);
        out.put("file_id", id("file", f.path("file_id").asText()));
        out.put("source_id", id("source", f.path("source_id").asText()));
        out.set("file_name", value(f, "file_name"));
        out.put("is_open", f.path("is_open").asBoolean(true));
        out.set("visible_content", value(f, "visible_content"));
        out.set("last_accessed_at", timeValue(f, "last_accessed_at"));
        out.set("start_line", value(f, "start_line"));
        out.set("end_line", value(f, "end_line"));
        out.put("id", id("file_agent", f.path("file_agent_id").asText()));
        return out;
    }

    private ObjectNode group(String groupId, ObjectNode row) {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        ArrayNode members = out.putArray("agent_ids");
        row.path("agent_ids").forEach(a -> members.add(known("agent", a.asText())));
        out.set("description", value(row, "description"));
        String type = row.path("manager_type").asText("round_robin");
        ObjectNode config = out.putObject("manager_config");
        config.put("manager_type", type);
        for (String field : LettaAgentFile.MANAGER_FIELDS.getOrDefault(type, List.of())) {
            JsonNode value = value(row, field);
            config.set(field, field.equals("manager_agent_id") && value.isTextual()
                    ? config.textNode(known("agent", value.asText())) : value);
        }
        out.set("project_id", value(row, "project_id"));
        ArrayNode shared = out.putArray("shared_block_ids");
        List<String> blocks = new ArrayList<>();
        fold.rows("groups_blocks").forEach((stream, link) -> {
            if (groupId.equals(link.path("group_id").asText(null))) {
                blocks.add(link.path("block_id").asText());
            }
        });
        blocks.sort(Comparator.naturalOrder());
        blocks.forEach(b -> shared.add(id("block", b)));
        out.set("hidden", value(row, "hidden"));
        out.put("id", id("group", groupId));
        return out;
    }

    /** Writes one object of the file from its folded fields. */
    @FunctionalInterface
    private interface ObjectWriter {
        ObjectNode write(String realId, String fileId, JsonNode folded);
    }

    /**
     * The objects of a kind that have a file id, each written from what {@code lookup} folded; one the log does not
     * hold at the instant (attached, but not created or deleted by then) is left out: Letta could not load it either.
     */
    private List<ObjectNode> objects(String kind, java.util.function.Function<String, JsonNode> lookup,
            ObjectWriter writer) {
        List<ObjectNode> out = new ArrayList<>();
        ids(kind).forEach((realId, fileId) -> {
            JsonNode folded = lookup.apply(realId);
            if (folded != null) {
                out.add(writer.write(realId, fileId, folded));
            }
        });
        return out;
    }

    private ArrayNode blocks() {
        List<ObjectNode> out = objects("block", fold::block, (realId, fileId, b) -> {
            ObjectNode block = EventCodec.JSON.createObjectNode();
            for (String field : LettaAgentFile.BLOCK_FIELDS) {
                block.set(field, value(b, field));
            }
            if (!block.get("metadata").isObject()) {
                block.putObject("metadata");
            }
            omitNull(block, "limit");
            block.put("is_template", b.path("is_template").asBoolean(false));
            block.put("read_only", b.path("read_only").asBoolean(false));
            LettaAgentFile.BLOCK_DEFAULTS.keySet().forEach(block::putNull);
            block.put("id", fileId);
            return block;
        });
        out.sort(Comparator.comparing(b -> b.path("label").asText()));
        return array(out);
    }

    private ArrayNode tools() {
        List<ObjectNode> out = objects("tool", id -> fold.row("tools", id), (realId, fileId, row) -> {
            ObjectNode tool = EventCodec.JSON.createObjectNode();
            tool.put("id", fileId);
            for (String field : LettaAgentFile.TOOL_FIELDS) {
                tool.set(field, value(row, field));
            }
            LettaAgentFile.TOOL_RENAMED.forEach((field, column) -> tool.set(field, value(row, column)));
            omitNull(tool, "tool_type", "tags", "return_char_limit");
            return tool;
        });
        out.sort(Comparator.comparing(t -> t.path("name").asText()));
        return array(out);
    }

    private ArrayNode sources() {
        return array(objects("source", id -> fold.row("sources", id), (realId, fileId, row) -> {
            ObjectNode source = EventCodec.JSON.createObjectNode();
            LettaAgentFile.SOURCE_FIELDS.forEach((field, column) -> source.set(field, value(row, column)));
            LettaAgentFile.SOURCE_DEFAULTS.keySet().forEach(source::putNull);
            source.put("id", fileId);
            return source;
        }));
    }

    private ArrayNode files() {
        return array(objects("file", id -> fold.row("files", id), (realId, fileId, row) -> {
            ObjectNode file = EventCodec.JSON.createObjectNode();
            file.put("source_id", id("source", row.path("source_id").asText()));
            for (String field : LettaAgentFile.FILE_FIELDS) {
                file.set(field, value(row, field));
            }
            JsonNode text = null;
            for (ObjectNode content : fold.rows("file_contents").values()) {
                if (realId.equals(content.path("file_id").asText(null))) {
                    text = content.get("text");
                }
            }
            file.set("content", text == null ? file.nullNode() : text);
            file.put("id", fileId);
            omitNull(file, "processing_status");
            return file;
        }));
    }

    /** The file id of a real id, numbered on first sight per kind (Letta's {@code _map_db_to_file_id}). */
    private String id(String kind, String realId) {
        Map<String, String> ofKind = fileIds.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        return ofKind.computeIfAbsent(realId, r -> kind + "-" + ofKind.size());
    }

    private Map<String, String> ids(String kind) {
        return new LinkedHashMap<>(fileIds.getOrDefault(kind, Map.of()));
    }

    /** The file id when the object is in the file, else the real id (Letta's exporter leaves such ids as they are). */
    private String known(String kind, String realId) {
        return fileIds.getOrDefault(kind, Map.of()).getOrDefault(realId, realId);
    }

    private ArrayNode ids(String kind, Iterable<String> realIds) {
        ArrayNode out = EventCodec.JSON.createArrayNode();
        realIds.forEach(id -> out.add(id(kind, id)));
        return out;
    }

    private static JsonNode value(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null ? EventCodec.JSON.nullNode() : value.deepCopy();
    }

    private static JsonNode timeValue(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            return EventCodec.JSON.nullNode();
        }
        return Timestamps.parse(value.asText()).<JsonNode>map(t -> EventCodec.JSON.getNodeFactory()
                .textNode(time(t.toInstant()))).orElse(value);
    }

    /** As pydantic writes a UTC datetime: seconds, then microseconds when there are any, then Z. */
    static String time(Instant instant) {
        OffsetDateTime t = instant.atOffset(ZoneOffset.UTC);
        int micros = t.getNano() / 1_000;
        return PYDANTIC_TIME.format(t) + (micros == 0 ? "" : String.format(".%06d", micros)) + "Z";
    }

    /** Removes the fields that are null: pydantic fields with a default that are not Optional refuse null. */
    private static void omitNull(ObjectNode node, String... fields) {
        for (String field : fields) {
            if (node.path(field).isNull()) {
                node.remove(field);
            }
        }
    }

    private static ArrayNode array(List<ObjectNode> items) {
        ArrayNode out = EventCodec.JSON.createArrayNode();
        out.addAll(items);
        return out;
    }
}
