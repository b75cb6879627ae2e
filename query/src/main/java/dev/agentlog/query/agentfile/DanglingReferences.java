package dev.agentlog.query.agentfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Removes from a written agent file every reference to an object the file does not hold: Letta's importer fails on one
 * (a {@code KeyError} in {@code import_file}, or {@code _validate_schema}'s reference checks). The log may lack an
 * object an agent names: a tool, folder or file whose row was never captured (an agent whose events came over HTTP,
 * capture started after the row was written), a block not created by the instant, a group's manager outside the file.
 * The agent keeps everything else. Pure.
 */
final class DanglingReferences {
    private DanglingReferences() {}

    static void prune(ObjectNode file) {
        Set<String> sources = ids(file, "sources");
        removeIf((ArrayNode) file.get("files"), f -> !sources.contains(f.path("source_id").asText()));
        Set<String> agents = ids(file, "agents");
        Set<String> blocks = ids(file, "blocks");
        for (JsonNode group : file.get("groups")) {
            keep((ArrayNode) group.get("agent_ids"), agents);
            keep((ArrayNode) group.get("shared_block_ids"), blocks);
        }
        // a group whose manager is not in the file cannot be created by Letta's importer
        removeIf((ArrayNode) file.get("groups"), g -> g.at("/manager_config/manager_agent_id").isTextual()
                && !agents.contains(g.at("/manager_config/manager_agent_id").asText()));
        Set<String> groups = ids(file, "groups");
        Set<String> tools = ids(file, "tools");
        Set<String> files = ids(file, "files");
        for (JsonNode agent : file.get("agents")) {
            keep((ArrayNode) agent.get("tool_ids"), tools);
            keep((ArrayNode) agent.get("source_ids"), sources);
            keep((ArrayNode) agent.get("block_ids"), blocks);
            keep((ArrayNode) agent.get("group_ids"), groups);
            removeIf((ArrayNode) agent.get("files_agents"), f -> !files.contains(f.path("file_id").asText())
                    || !sources.contains(f.path("source_id").asText()));
        }
    }

    private static Set<String> ids(JsonNode file, String list) {
        Set<String> out = new HashSet<>();
        file.get(list).forEach(o -> out.add(o.path("id").asText()));
        return out;
    }

    private static void keep(ArrayNode ids, Set<String> known) {
        removeIf(ids, id -> !known.contains(id.asText()));
    }

    private static void removeIf(ArrayNode array, Predicate<JsonNode> drop) {
        for (int i = array.size() - 1; i >= 0; i--) {
            if (drop.test(array.get(i))) {
                array.remove(i);
            }
        }
    }
}
