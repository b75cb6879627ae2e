package dev.agentlog.query.agentfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an agent file is made of, folded from the log's events (each stream in stream order, up to the instant of the
 * file): per agent its {@code agents} fields with every unknown Letta column that travelled, its messages (alive, in
 * creation order), its window, its blocks, links and files in the order they were attached (Letta's lists keep that
 * order); each block's fields; each {@code row.changed} row (tools, sources, files, groups, ...) as its last image.
 * Unlike the projections' fold, every field of a payload is kept, so that nothing the file had is lost between import
 * and export. Pure; one instance per export.
 */
public final class AgentFileFold {
    /** One agent's part of the file. */
    public static final class Agent {
        ObjectNode fields;
        boolean deleted;
        final Map<String, ObjectNode> messages = new LinkedHashMap<>();
        final List<String> window = new ArrayList<>();
        /** block id → the label it is attached under */
        final Map<String, String> blocks = new LinkedHashMap<>();
        /** kind (tool, source, identity, group, tag) → targets */
        final Map<String, Set<String>> links = new HashMap<>();
        final Map<String, ObjectNode> files = new LinkedHashMap<>();

        public boolean exists() {
            return fields != null && !deleted;
        }

        public Set<String> links(String kind) {
            return links.getOrDefault(kind, Set.of());
        }

        public Set<String> blockIds() {
            return blocks.keySet();
        }

        public List<ObjectNode> files() {
            return List.copyOf(files.values());
        }
    }

    private final Map<String, Agent> agents = new HashMap<>();
    private final Map<String, ObjectNode> blocks = new HashMap<>();
    private final Map<String, ObjectNode> rows = new HashMap<>();

    /** Folds one event (an envelope as JSON, its payload open). */
    public void accept(JsonNode event) {
        String type = event.path("type").asText();
        String stream = event.path("stream_id").asText();
        JsonNode payload = event.path("payload");
        if (type.startsWith("block.") && !type.equals("block.attached") && !type.equals("block.detached")) {
            block(type, stream, payload);
        } else if (type.equals("row.changed")) {
            row(stream, payload);
        } else {
            agent(type, agents.computeIfAbsent(stream, s -> new Agent()), payload);
        }
    }

    public Agent agent(String agentId) {
        return agents.getOrDefault(agentId, new Agent());
    }

    /** The block's fields, or null when it was not created (or was deleted) by then. */
    public ObjectNode block(String blockId) {
        return blocks.get(blockId);
    }

    /** The row's last image, or null when the log has none (or it was deleted) by then. */
    public ObjectNode row(String table, String key) {
        return rows.get(table + ":" + key);
    }

    /** Every live row of the table, by stream id. */
    public Map<String, ObjectNode> rows(String table) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        rows.forEach((stream, row) -> {
            if (row != null && stream.startsWith(table + ":")) {
                out.put(stream, row);
            }
        });
        return out;
    }

    private void agent(String type, Agent agent, JsonNode p) {
        switch (type) {
            case "agent.created" -> {
                agent.fields = p.deepCopy();
                agent.deleted = false;
            }
            case "agent.updated" -> agent.fields = merge(agent.fields, p);
            case "agent.deleted" -> agent.deleted = true;
            case "message.created" -> agent.messages.put(p.path("message_id").asText(), p.deepCopy());
            case "message.updated" -> agent.messages.computeIfPresent(p.path("message_id").asText(),
                    (id, m) -> merge(m, p));
            case "message.deleted" -> agent.messages.remove(p.path("message_id").asText());
            case "context.updated" -> {
                agent.window.clear();
                p.path("message_ids").forEach(id -> agent.window.add(id.asText()));
            }
            case "block.attached" -> agent.blocks.putIfAbsent(p.path("block_id").asText(), p.path("label").asText(null));
            case "block.detached" -> agent.blocks.remove(p.path("block_id").asText());
            case "file.attached" -> agent.files.put(p.path("file_agent_id").asText(), p.deepCopy());
            case "file.updated" -> agent.files.computeIfPresent(p.path("file_agent_id").asText(), (id, f) -> merge(f, p));
            case "file.detached" -> agent.files.remove(p.path("file_agent_id").asText());
            default -> link(type, agent, p);
        }
        // Letta detaches a file by a soft delete of its row
        agent.files.values().removeIf(f -> f.path("deleted").asBoolean(false));
    }

    private static void link(String type, Agent agent, JsonNode p) {
        String[] kindAndVerb = type.split("\\.");
        if (kindAndVerb.length != 2) {
            return; // conversations, archives, erasures: not part of an agent file
        }
        String kind = kindAndVerb[0];
        String field = kind.equals("tag") ? "tag" : kind + "_id";
        if (!List.of("tool", "source", "identity", "group", "tag").contains(kind) || !p.hasNonNull(field)) {
            return;
        }
        Set<String> targets = agent.links.computeIfAbsent(kind, k -> new LinkedHashSet<>());
        switch (kindAndVerb[1]) {
            case "attached", "joined", "added" -> targets.add(p.get(field).asText());
            case "detached", "left", "removed" -> targets.remove(p.get(field).asText());
            default -> { }
        }
    }

    private void block(String type, String stream, JsonNode p) {
        switch (type) {
            case "block.created" -> blocks.put(stream, p.deepCopy());
            case "block.updated" -> blocks.computeIfPresent(stream, (id, b) -> merge(b, p));
            case "block.deleted" -> blocks.remove(stream);
            default -> { }
        }
    }

    /** A create or update replaces the columns it carries (an unchanged out-of-line value is absent: it stays). */
    private void row(String stream, JsonNode p) {
        String op = p.path("op").asText();
        if (op.equals("d")) {
            rows.remove(stream);
        } else if (p.path("after").isObject()) {
            rows.put(stream, merge(rows.get(stream), p.get("after")));
        }
    }

    private static ObjectNode merge(ObjectNode base, JsonNode changes) {
        ObjectNode out = base == null ? changes.deepCopy() : base;
        if (base != null) {
            changes.fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue().deepCopy()));
        }
        return out;
    }
}
