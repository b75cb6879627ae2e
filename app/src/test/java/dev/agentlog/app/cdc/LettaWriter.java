package dev.agentlog.app.cdc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentlog.events.EventCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes a Letta database the way the Letta server does (../shared/letta/README.md): app-made ids, json columns,
 * one transaction per step of a turn, in the order of a turn. Remembers every block version it wrote, so the test
 * can check that block_versions holds each of them.
 */
final class LettaWriter {
    static final String ORG = "org-00000000-0000-4000-8000-000000000001";
    static final String USER = "user-00000000-0000-4000-8000-000000000001";
    static final int EMBEDDING_DIMENSIONS = 4096;

    /** What the test keeps of one agent: its system message and in-context window. */
    static final class Agent {
        final String id;
        final String systemMessageId;
        final List<String> window = new ArrayList<>();
        String archiveId;

        Agent(String id, String systemMessageId) {
            this.id = id;
            this.systemMessageId = systemMessageId;
        }
    }

    /** block id + version -> value, for every version written. */
    final Map<String, String> blockVersions = new LinkedHashMap<>();
    private final DataSource source;

    LettaWriter(DataSource source) {
        this.source = source;
    }

    interface Work {
        void run(Connection c) throws SQLException;
    }

    /** One transaction. */
    void tx(Work work) throws SQLException {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            work.run(c);
            c.commit();
        }
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    void organization() throws SQLException {
        tx(c -> {
            exec(c, "INSERT INTO organizations (id, name) VALUES (?, ?)", ORG, "default");
            exec(c, "INSERT INTO users (id, name, organization_id) VALUES (?, ?, ?)", USER, "ada", ORG);
        });
    }

    /** Letta's create_agent: the agent, its blocks and their attachments; then its system message and window. */
    Agent createAgent(String name, String... labelsAndValues) throws SQLException {
        Agent agent = new Agent(id("agent"), id("message"));
        tx(c -> {
            exec(c, "INSERT INTO agents (id, organization_id, agent_type, name, system, message_ids, llm_config, "
                    + "embedding_config, tool_rules, metadata_, _created_by_id, _last_updated_by_id) "
                    + "VALUES (?, ?, 'memgpt_v2_agent', ?, ?, '[]', ?::json, ?::json, '[]', '{}', ?, ?)",
                    agent.id, ORG, name, "You are " + name + ".", "{\"model\":\"gpt-4o-mini\",\"context_window\":128000}",
                    "{\"embedding_model\":\"text-embedding-3-small\",\"embedding_dim\":1536}", USER, USER);
            for (int i = 0; i < labelsAndValues.length; i += 2) {
                attach(c, agent.id, createBlock(c, labelsAndValues[i], labelsAndValues[i + 1]), labelsAndValues[i]);
            }
        });
        tx(c -> exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content) VALUES (?, ?, ?, 'system', ?::json)",
                agent.systemMessageId, ORG, agent.id, content(compiledSystem(c, agent.id))));
        agent.window.add(agent.systemMessageId);
        updateWindow(agent);
        return agent;
    }

    String createBlock(Connection c, String label, String value) throws SQLException {
        String blockId = id("block");
        exec(c, "INSERT INTO block (id, organization_id, label, value, \"limit\", _created_by_id, _last_updated_by_id) "
                + "VALUES (?, ?, ?, ?, 5000, ?, ?)", blockId, ORG, label, value, USER, USER);
        blockVersions.put(blockId + "@1", value);
        return blockId;
    }

    static void attach(Connection c, String agentId, String blockId, String label) throws SQLException {
        exec(c, "INSERT INTO blocks_agents (agent_id, block_id, block_label) VALUES (?, ?, ?)", agentId, blockId, label);
    }

    /** Attaches an existing (shared) block to an agent and rewrites its system message. */
    void share(Agent agent, String blockId, String label) throws SQLException {
        tx(c -> attach(c, agent.id, blockId, label));
        rewriteSystem(agent.id);
    }

    /**
     * One turn: the system message rewritten, the tools' writes (each committed on its own), the turn's messages in
     * one batch, then agents.message_ids.
     */
    void turn(Agent agent, String userText, String reply, Work... toolWrites) throws SQLException {
        rewriteSystem(agent.id);
        for (Work write : toolWrites) {
            tx(write);
        }
        String user = id("message");
        String assistant = id("message");
        String tool = id("message");
        String callId = "call-" + UUID.randomUUID();
        tx(c -> {
            exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, otid) VALUES (?, ?, ?, 'user', ?::json, ?)",
                    user, ORG, agent.id, content(userText), "otid-" + user);
            exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, tool_calls, step_id, run_id, model) "
                    + "VALUES (?, ?, ?, 'assistant', ?::json, ?::json, 'step-1', 'run-1', 'gpt-4o-mini')", assistant, ORG,
                    agent.id, content(reply), "[{\"id\":\"" + callId + "\",\"type\":\"function\",\"function\":{\"name\":"
                            + "\"send_message\",\"arguments\":\"{\\\"message\\\":\\\"" + reply + "\\\"}\"}}]");
            exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, name, tool_call_id, tool_returns) "
                    + "VALUES (?, ?, ?, 'tool', ?::json, 'send_message', ?, ?::json)", tool, ORG, agent.id,
                    content("None"), callId, "[{\"tool_call_id\":\"" + callId + "\",\"status\":\"success\"}]");
        });
        agent.window.addAll(List.of(user, assistant, tool));
        updateWindow(agent);
    }

    /** core_memory_replace: the block's new value at version + 1 (optimistic lock), then every attached agent's system message. */
    Work editBlock(String blockId, String newValue, String editor) {
        return c -> {
            int version;
            try (PreparedStatement s = c.prepareStatement("SELECT version FROM block WHERE id = ?")) {
                s.setString(1, blockId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            int updated = exec(c, "UPDATE block SET value = ?, version = version + 1, updated_at = now(), "
                    + "_last_updated_by_id = ? WHERE id = ? AND version = ?", newValue, editor, blockId, version);
            if (updated != 1) {
                throw new SQLException("optimistic lock of block " + blockId + " lost");
            }
            blockVersions.put(blockId + "@" + (version + 1), newValue);
        };
    }

    /** Rewrites the system message of every agent the block is attached to (after a block edit). */
    void rewriteAttached(String blockId) throws SQLException {
        for (String agentId : query("SELECT agent_id FROM blocks_agents WHERE block_id = ? ORDER BY agent_id", blockId)) {
            rewriteSystem(agentId);
        }
    }

    /** archival_memory_insert: the archive on first use, then the passage and one passage_tags row per tag. */
    String archivalInsert(Agent agent, String text, String... tags) throws SQLException {
        if (agent.archiveId == null) {
            agent.archiveId = id("archive");
            tx(c -> {
                exec(c, "INSERT INTO archives (id, organization_id, name, embedding_config) VALUES (?, ?, ?, ?::json)",
                        agent.archiveId, ORG, agent.id + "-archive", "{\"embedding_model\":\"text-embedding-3-small\"}");
                exec(c, "INSERT INTO archives_agents (agent_id, archive_id, is_owner) VALUES (?, ?, true)", agent.id, agent.archiveId);
            });
        }
        String passageId = id("passage");
        ArrayNode tagList = JsonNodeFactory.instance.arrayNode();
        Arrays.stream(tags).forEach(tagList::add);
        tx(c -> {
            Float[] embedding = new Float[EMBEDDING_DIMENSIONS];
            Arrays.fill(embedding, 0f);
            embedding[0] = 0.25f;
            embedding[1] = -0.5f;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO archival_passages (id, organization_id, archive_id, "
                    + "text, embedding_config, metadata_, tags, embedding) VALUES (?, ?, ?, ?, ?::json, '{}', ?::json, ?)")) {
                s.setString(1, passageId);
                s.setString(2, ORG);
                s.setString(3, agent.archiveId);
                s.setString(4, text);
                s.setString(5, "{\"embedding_model\":\"text-embedding-3-small\"}");
                s.setString(6, tagList.toString());
                s.setArray(7, c.createArrayOf("real", embedding));
                s.executeUpdate();
            }
        });
        for (String tag : tags) {
            tx(c -> exec(c, "INSERT INTO passage_tags (id, tag, passage_id, archive_id, organization_id) VALUES (?, ?, ?, ?, ?)",
                    id("tag"), tag, passageId, agent.archiveId, ORG));
        }
        return passageId;
    }

    /** A tag taken off a passage: its passage_tags row, then the passage's tags column. */
    void untag(String passageId, String tag) throws SQLException {
        tx(c -> exec(c, "DELETE FROM passage_tags WHERE passage_id = ? AND tag = ?", passageId, tag));
        tx(c -> exec(c, "UPDATE archival_passages SET tags = (SELECT coalesce(json_agg(t), '[]'::json) FROM "
                + "json_array_elements_text(tags) t WHERE t <> ?), updated_at = now() WHERE id = ?", tag, passageId));
    }

    /** Summary compaction: a summary message, then the window [system, summary, recent tail]. */
    void summarize(Agent agent, int keepTail) throws SQLException {
        String summary = id("message");
        String alert = "{\"type\":\"system_alert\",\"message\":\"Earlier: Ada likes tea.\",\"time\":\"2026-11-24 11:00:00 AM UTC\"}";
        tx(c -> exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content) VALUES (?, ?, ?, 'summary', ?::json)",
                summary, ORG, agent.id, content(alert)));
        List<String> tail = new ArrayList<>(agent.window.subList(agent.window.size() - keepTail, agent.window.size()));
        agent.window.clear();
        agent.window.add(agent.systemMessageId);
        agent.window.add(summary);
        agent.window.addAll(tail);
        updateWindow(agent);
    }

    void updateWindow(Agent agent) throws SQLException {
        ArrayNode ids = JsonNodeFactory.instance.arrayNode();
        agent.window.forEach(ids::add);
        tx(c -> exec(c, "UPDATE agents SET message_ids = ?::json, updated_at = now(), last_run_completion = now(), "
                + "_last_updated_by_id = ? WHERE id = ?", ids.toString(), USER, agent.id));
    }

    /** The system message is the compiled prompt with every core-memory block in it. */
    void rewriteSystem(String agentId) throws SQLException {
        tx(c -> exec(c, "UPDATE messages SET content = ?::json, updated_at = now() WHERE id = "
                + "(SELECT message_ids->>0 FROM agents WHERE id = ?)", content(compiledSystem(c, agentId)), agentId));
    }

    private static String compiledSystem(Connection c, String agentId) throws SQLException {
        StringBuilder prompt = new StringBuilder("You are a helpful agent.\n<memory_blocks>\n");
        try (PreparedStatement s = c.prepareStatement("SELECT b.label, b.value FROM block b JOIN blocks_agents ba "
                + "ON ba.block_id = b.id WHERE ba.agent_id = ? ORDER BY b.label")) {
            s.setString(1, agentId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    prompt.append('<').append(rs.getString(1)).append('>').append(rs.getString(2))
                            .append("</").append(rs.getString(1)).append(">\n");
                }
            }
        }
        return prompt.append("</memory_blocks>").toString();
    }

    static String content(String text) {
        ArrayNode parts = JsonNodeFactory.instance.arrayNode();
        parts.addObject().put("type", "text").put("text", text);
        try {
            return EventCodec.JSON.writeValueAsString(parts);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> query(String sql, String... args) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = source.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }
}
