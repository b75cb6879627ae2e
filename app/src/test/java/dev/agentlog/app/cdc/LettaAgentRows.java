package dev.agentlog.app.cdc;

import dev.agentlog.app.e2e.Rows;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The rows of a set of agents in a Letta database, table by table, each row as the JSON of all its columns
 * ({@code to_jsonb}: json columns compared as JSON values, timestamps to the microsecond, arrays number by number):
 * what a restore of those agents must write. Read from the source at an instant, and from the target after the
 * restore; the same query on both. {@code passage_tags} rows are compared without their own timestamps: capture folds
 * the tag rows into their passage (docs/letta.md).
 */
final class LettaAgentRows {
    private LettaAgentRows() {}

    /** Table to the filter that selects the agents' rows ({@code %s}: the quoted, comma-separated agent ids). */
    static final Map<String, String> FILTERS = new LinkedHashMap<>();

    static {
        String conversations = "SELECT id FROM conversations WHERE agent_id IN (%1$s)";
        String archives = "SELECT archive_id FROM archives_agents WHERE agent_id IN (%1$s)";
        String groups = "SELECT g.id FROM groups g JOIN groups_agents ga ON ga.group_id = g.id WHERE ga.agent_id IN (%1$s)"
                + " AND g.manager_agent_id IN (%1$s)";
        FILTERS.put("organizations", "id IN (SELECT organization_id FROM agents WHERE id IN (%1$s))");
        FILTERS.put("tools", "id IN (SELECT tool_id FROM tools_agents WHERE agent_id IN (%1$s))");
        FILTERS.put("sources", "id IN (SELECT source_id FROM sources_agents WHERE agent_id IN (%1$s) UNION "
                + "SELECT source_id FROM files_agents WHERE agent_id IN (%1$s))");
        FILTERS.put("files", "id IN (SELECT file_id FROM files_agents WHERE agent_id IN (%1$s))");
        FILTERS.put("identities", "id IN (SELECT identity_id FROM identities_agents WHERE agent_id IN (%1$s))");
        FILTERS.put("agents", "id IN (%1$s)");
        FILTERS.put("groups", "id IN (" + groups + ")");
        FILTERS.put("block", "id IN (SELECT block_id FROM blocks_agents WHERE agent_id IN (%1$s) UNION "
                + "SELECT block_id FROM blocks_conversations WHERE conversation_id IN (" + conversations + "))");
        FILTERS.put("blocks_agents", "agent_id IN (%1$s)");
        FILTERS.put("conversations", "agent_id IN (%1$s)");
        FILTERS.put("runs", "id IN (SELECT run_id FROM messages WHERE agent_id IN (%1$s) UNION SELECT run_id FROM steps "
                + "WHERE id IN (SELECT step_id FROM messages WHERE agent_id IN (%1$s)))");
        FILTERS.put("steps", "id IN (SELECT step_id FROM messages WHERE agent_id IN (%1$s))");
        FILTERS.put("messages", "agent_id IN (%1$s)");
        FILTERS.put("conversation_messages", "agent_id IN (%1$s)");
        FILTERS.put("blocks_conversations", "conversation_id IN (" + conversations + ")");
        FILTERS.put("archives", "id IN (" + archives + ")");
        FILTERS.put("archives_agents", "agent_id IN (%1$s)");
        FILTERS.put("archival_passages", "archive_id IN (" + archives + ")");
        FILTERS.put("passage_tags", "archive_id IN (" + archives + ")");
        FILTERS.put("files_agents", "agent_id IN (%1$s)");
        FILTERS.put("tools_agents", "agent_id IN (%1$s)");
        FILTERS.put("sources_agents", "agent_id IN (%1$s)");
        FILTERS.put("identities_agents", "agent_id IN (%1$s)");
        FILTERS.put("groups_agents", "agent_id IN (%1$s) AND group_id IN (" + groups + ")");
        FILTERS.put("agents_tags", "agent_id IN (%1$s)");
    }

    /** Table to its rows (sorted JSON texts) of the agents. */
    static Map<String, List<String>> of(DataSource db, List<String> agentIds) throws Exception {
        String ids = agentIds.stream().map(id -> "'" + id.replace("'", "''") + "'").collect(Collectors.joining(", "));
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> table : FILTERS.entrySet()) {
            String json = table.getKey().equals("passage_tags") ? "to_jsonb(t) - 'created_at' - 'updated_at'" : "to_jsonb(t)";
            out.put(table.getKey(), Rows.of(db, "SELECT " + json + "::text FROM \"" + table.getKey() + "\" t WHERE "
                    + String.format(table.getValue(), ids) + " ORDER BY 1"));
        }
        return out;
    }

    /** Table to how many rows it holds, whoever's. */
    static Map<String, Integer> counts(DataSource db) throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String table : FILTERS.keySet()) {
            out.put(table, Integer.parseInt(Rows.of(db, "SELECT count(*) FROM \"" + table + "\"").get(0)));
        }
        return out;
    }

    /** Table to how many rows of the agents. */
    static Map<String, Integer> sizes(Map<String, List<String>> rows) {
        Map<String, Integer> out = new LinkedHashMap<>();
        rows.forEach((table, list) -> out.put(table, list.size()));
        return out;
    }
}
