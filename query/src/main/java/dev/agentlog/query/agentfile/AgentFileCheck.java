package dev.agentlog.query.agentfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an agent file against Letta's {@code AgentFileSchema} (0.16.8) before anything is made of it: every required
 * field ({@link LettaAgentFile}), the types agentlog relies on, the references between objects (an agent's
 * {@code block_ids} name blocks of the file, ...), and that no id is used twice, as Letta's importer validates
 * ({@code AgentSerializationManager._validate_schema}). Collects every problem, each with its field's path. Pure.
 */
public final class AgentFileCheck {
    private final List<String> problems = new ArrayList<>();

    /** The problems of {@code file}; empty when it can be imported. */
    public static List<String> problems(JsonNode file) {
        AgentFileCheck check = new AgentFileCheck();
        check.file(file);
        return check.problems;
    }

    private void file(JsonNode file) {
        if (file == null || !file.isObject()) {
            problems.add("the file is not a JSON object (Letta's AgentFileSchema)");
            return;
        }
        for (String field : LettaAgentFile.FILE_REQUIRED) {
            array(file, field, field);
        }
        if (!problems.isEmpty()) {
            return;
        }
        if (file.get("agents").isEmpty()) {
            problems.add("agents: the file holds no agent");
        }
        Set<String> seen = new HashSet<>();
        Set<String> blocks = ids(file, "blocks", "block", LettaAgentFile.BLOCK_REQUIRED, seen);
        Set<String> tools = ids(file, "tools", "tool", LettaAgentFile.TOOL_REQUIRED, seen);
        Set<String> sources = ids(file, "sources", "source", LettaAgentFile.SOURCE_REQUIRED, seen);
        Set<String> files = ids(file, "files", "file", LettaAgentFile.FILE_SCHEMA_REQUIRED, seen);
        Set<String> groups = ids(file, "groups", "group", LettaAgentFile.GROUP_REQUIRED, seen);
        ids(file, "mcp_servers", "mcp_server", LettaAgentFile.MCP_SERVER_REQUIRED, seen);
        Set<String> agents = ids(file, "agents", "agent", LettaAgentFile.AGENT_REQUIRED, seen);
        JsonNode fileList = file.get("files");
        for (int i = 0; i < fileList.size(); i++) {
            ref(fileList.get(i), "source_id", sources, "files[" + i + "]", "sources");
        }
        JsonNode agentList = file.get("agents");
        for (int i = 0; i < agentList.size(); i++) {
            agent(agentList.get(i), "agents[" + i + "]", blocks, tools, sources, files, groups, seen);
        }
        JsonNode groupList = file.get("groups");
        for (int i = 0; i < groupList.size(); i++) {
            group(groupList.get(i), "groups[" + i + "]", agents, blocks);
        }
    }

    private void agent(JsonNode agent, String path, Set<String> blocks, Set<String> tools, Set<String> sources,
            Set<String> files, Set<String> groups, Set<String> seen) {
        String id = agent.path("id").asText();
        Set<String> messages = new HashSet<>();
        JsonNode messageList = optionalArray(agent, "messages", path);
        for (int j = 0; j < messageList.size(); j++) {
            String at = path + ".messages[" + j + "]";
            JsonNode message = messageList.get(j);
            if (!required(message, LettaAgentFile.MESSAGE_REQUIRED, at)) {
                continue;
            }
            String messageId = message.get("id").asText();
            fileId(messageId, "message", at);
            if (!messages.add(messageId) || !seen.add(messageId)) {
                problems.add(at + ".id: " + messageId + " is used twice in the file");
            }
            if (!LettaAgentFile.ROLES.contains(message.get("role").asText())) {
                problems.add(at + ".role: must be one of " + LettaAgentFile.ROLES + ", was " + message.get("role"));
            }
            JsonNode content = message.get("content");
            if (!content.isTextual() && !content.isArray()) {
                problems.add(at + ".content: must be a string or a list of content parts, was " + content.getNodeType());
            }
        }
        JsonNode context = optionalArray(agent, "in_context_message_ids", path);
        for (int j = 0; j < context.size(); j++) {
            if (!messages.contains(context.get(j).asText())) {
                problems.add(path + ".in_context_message_ids[" + j + "]: " + context.get(j)
                        + " is not a message of this agent in the file");
            }
        }
        refs(agent, "block_ids", blocks, path, "blocks");
        refs(agent, "tool_ids", tools, path, "tools");
        refs(agent, "source_ids", sources, path, "sources");
        refs(agent, "group_ids", groups, path, "groups");
        JsonNode tags = agent.path("tags");
        if (!tags.isMissingNode() && !tags.isNull()) {
            if (!tags.isArray()) {
                problems.add(path + ".tags: must be a list of strings");
            } else {
                for (int j = 0; j < tags.size(); j++) {
                    if (!tags.get(j).isTextual()) {
                        problems.add(path + ".tags[" + j + "]: must be a string");
                    }
                }
            }
        }
        JsonNode fileAgents = optionalArray(agent, "files_agents", path);
        for (int j = 0; j < fileAgents.size(); j++) {
            String at = path + ".files_agents[" + j + "]";
            JsonNode fileAgent = fileAgents.get(j);
            if (!required(fileAgent, LettaAgentFile.FILE_AGENT_REQUIRED, at)) {
                continue;
            }
            if (!seen.add(fileAgent.get("id").asText())) {
                problems.add(at + ".id: " + fileAgent.get("id").asText() + " is used twice in the file");
            }
            ref(fileAgent, "file_id", files, at, "files");
            ref(fileAgent, "source_id", sources, at, "sources");
            if (!id.equals(fileAgent.get("agent_id").asText())) {
                problems.add(at + ".agent_id: " + fileAgent.get("agent_id") + " is not its agent " + id);
            }
        }
    }

    private void group(JsonNode group, String path, Set<String> agents, Set<String> blocks) {
        refs(group, "agent_ids", agents, path, "agents");
        refs(group, "shared_block_ids", blocks, path, "blocks");
        JsonNode config = group.path("manager_config");
        if (config.isMissingNode() || config.isNull()) {
            return; // Letta's default: round robin
        }
        if (!required(config, LettaAgentFile.MANAGER_CONFIG_REQUIRED, path + ".manager_config")) {
            return;
        }
        String type = config.get("manager_type").asText();
        if (!LettaAgentFile.MANAGER_FIELDS.containsKey(type)) {
            problems.add(path + ".manager_config.manager_type: must be one of "
                    + new java.util.TreeSet<>(LettaAgentFile.MANAGER_FIELDS.keySet()) + ", was " + config.get("manager_type"));
            return;
        }
        if (LettaAgentFile.MANAGER_FIELDS.get(type).contains("manager_agent_id")) {
            if (required(config, List.of("manager_agent_id"), path + ".manager_config")) {
                ref(config, "manager_agent_id", agents, path + ".manager_config", "agents");
            }
        }
    }

    /** The ids of one list, each object checked for its required fields and its id's prefix and uniqueness. */
    private Set<String> ids(JsonNode file, String list, String prefix, List<String> requiredFields, Set<String> seen) {
        Set<String> out = new HashSet<>();
        JsonNode items = file.get(list);
        for (int i = 0; i < items.size(); i++) {
            String path = list + "[" + i + "]";
            if (!required(items.get(i), requiredFields, path)) {
                continue;
            }
            String id = items.get(i).get("id").asText();
            fileId(id, prefix, path);
            if (!seen.add(id)) {
                problems.add(path + ".id: " + id + " is used twice in the file");
            }
            out.add(id);
        }
        return out;
    }

    /** Letta's importer takes only its own file ids: {@code <kind>-<integer>}. */
    private void fileId(String id, String prefix, String path) {
        if (!id.matches(java.util.regex.Pattern.quote(prefix) + "-[0-9]+")) {
            problems.add(path + ".id: must be " + prefix + "-<number> (Letta's file ids), was '" + id + "'");
        }
    }

    /** True when {@code node} is an object with every field (strings where an id or a name). */
    private boolean required(JsonNode node, List<String> fields, String path) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": must be an object");
            return false;
        }
        boolean ok = true;
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                problems.add(path + "." + field + ": is required");
                ok = false;
            } else if (field.equals("agent_ids") && !value.isArray()) {
                problems.add(path + ".agent_ids: must be a list, was " + value.getNodeType());
                ok = false;
            } else if (!field.equals("agent_ids") && !field.equals("content") && !value.isTextual()) {
                // every other required field is an id, a name or a text
                problems.add(path + "." + field + ": must be a string, was " + value.getNodeType());
                ok = false;
            }
        }
        return ok;
    }

    private void array(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            problems.add(path + ": is required");
        } else if (!value.isArray()) {
            problems.add(path + ": must be a list, was " + value.getNodeType());
        }
    }

    private JsonNode optionalArray(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!value.isArray()) {
            problems.add(path + "." + field + ": must be a list, was " + value.getNodeType());
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        return value;
    }

    private void refs(JsonNode node, String field, Set<String> known, String path, String list) {
        JsonNode ids = optionalArray(node, field, path);
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isTextual() || !known.contains(ids.get(i).asText())) {
                problems.add(path + "." + field + "[" + i + "]: " + ids.get(i) + " is not one of the file's " + list);
            }
        }
    }

    private void ref(JsonNode node, String field, Set<String> known, String path, String list) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            problems.add(path + "." + field + ": is required");
        } else if (!known.contains(value.asText())) {
            problems.add(path + "." + field + ": " + value + " is not one of the file's " + list);
        }
    }
}
