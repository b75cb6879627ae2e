package dev.agentlog.letta.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.AgentCreated;
import dev.agentlog.events.AgentDeleted;
import dev.agentlog.events.AgentUpdated;
import dev.agentlog.events.ContextUpdated;
import dev.agentlog.events.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code agents} table, on the agent's stream.
 * <ul>
 *   <li>insert (or snapshot read): {@code agent.created}; then {@code context.updated} when message_ids is not empty.</li>
 *   <li>update: {@code agent.updated} with the columns that changed, then {@code context.updated} when message_ids
 *       changed. Changed means: differs from the before-image (REPLICA IDENTITY FULL), else from the last image this
 *       process saw of the row; with neither (the first update after a restart) every column the update carried
 *       counts as changed. Only bookkeeping changed (updated_at, ...): an {@code agent.updated} of those columns, as unknown fields.</li>
 *   <li>delete (the key suffices): {@code agent.deleted}.</li>
 * </ul>
 * Columns outside the catalogue (timezone, last_run_completion, compaction_settings, ...) travel as unknown
 * payload fields under their Letta names.
 */
final class AgentsMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("name", "agent_type", "system", "description", "llm_config",
            "embedding_config", "tool_rules", "metadata_", "message_ids");

    @Override
    public String table() {
        return "agents";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String agentId = change.text("id");
        Map<String, Row> images = context.state().agents;
        List<Event> events = new ArrayList<>(2);
        switch (change.op()) {
            case CREATE, READ -> {
                Row row = change.after();
                Map<String, JsonNode> unknown = new LinkedHashMap<>();
                JsonNode llm = Columns.object(row, "llm_config", unknown);
                JsonNode embedding = Columns.object(row, "embedding_config", unknown);
                JsonNode toolRules = Columns.array(row, "tool_rules", unknown);
                JsonNode metadata = Columns.object(row, "metadata_", unknown);
                unknown.putAll(Columns.extras(row, CARRIED, false));
                events.add(context.events().event(change, agentId, new AgentCreated(row.text("name"),
                        row.text("agent_type"), row.text("system"), row.text("description"), llm, embedding, toolRules,
                        metadata, unknown)));
                List<String> window = Columns.strings(row.json("message_ids"));
                if (!window.isEmpty()) {
                    events.add(context.events().event(change, agentId, new ContextUpdated(window, Map.of())));
                }
                images.put(agentId, row);
            }
            case UPDATE -> {
                Row row = change.after();
                Row previous = change.before() != null ? change.before() : images.get(agentId);
                UpdateFields f = new UpdateFields(row, Columns.changed(row, previous));
                String name = f.text("name", "name");
                String agentType = f.text("agent_type", "agent_type");
                String system = f.text("system", "system");
                String description = f.text("description", "description");
                JsonNode llm = f.object("llm_config", "llm_config");
                JsonNode embedding = f.object("embedding_config", "embedding_config");
                JsonNode toolRules = f.array("tool_rules", "tool_rules");
                JsonNode metadata = f.object("metadata_", "metadata");
                f.extras(CARRIED);
                if (!f.isEmpty()) {
                    events.add(context.events().event(change, agentId, new AgentUpdated(name, agentType, system,
                            description, llm, embedding, toolRules, metadata, f.cleared, f.unknown)));
                }
                if (f.changed("message_ids")) {
                    events.add(context.events().event(change, agentId,
                            new ContextUpdated(Columns.strings(row.json("message_ids")), Map.of())));
                }
                images.put(agentId, row.over(previous));
            }
            case DELETE -> {
                events.add(context.events().event(change, agentId, new AgentDeleted(Map.of())));
                images.remove(agentId);
            }
        }
        return events;
    }
}
