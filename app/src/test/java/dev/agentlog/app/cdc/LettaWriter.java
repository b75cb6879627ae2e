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
        /** Null for the default conversation (agents.message_ids); else a named conversation's id. */
        String conversationId;
        /** A sleeptime agent's group. */
        String groupId;

        Agent(String id, String systemMessageId) {
            this.id = id;
            this.systemMessageId = systemMessageId;
        }
    }

    /** block id + version -> value, for every version written. */
    final Map<String, String> blockVersions = new LinkedHashMap<>();
    /** Every provider trace written: none may reach the log unless named. */
    final List<String> providerTraces = new ArrayList<>();

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

    /** The organization, its user, and the base tools the server upserts at start (tool_manager.py:1137). */
    void organization() throws SQLException {
        tx(c -> {
            exec(c, "INSERT INTO organizations (id, name) VALUES (?, ?)", ORG, "default");
            exec(c, "INSERT INTO users (id, name, organization_id) VALUES (?, ?, ?)", USER, "ada", ORG);
        });
        tx(c -> {
            for (String name : BASE_TOOLS) {
                exec(c, "INSERT INTO tools (id, name, source_type, tags, organization_id, tool_type, json_schema) "
                        + "VALUES (?, ?, 'python', '[\"letta_core\"]', ?, 'letta_core', '{}') ON CONFLICT (name, "
                        + "organization_id) DO UPDATE SET updated_at = now()", "tool-" + UUID.nameUUIDFromBytes(
                                name.getBytes(java.nio.charset.StandardCharsets.UTF_8)), name, ORG);
            }
        });
    }

    static final List<String> BASE_TOOLS = List.of("send_message", "memory_replace", "memory_insert",
            "archival_memory_insert", "archival_memory_search", "conversation_search");

    static String toolId(String name) {
        return "tool-" + UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
            // inside the create transaction (agent_manager.py:252-306): the base tools and the agent's tags
            for (String tool : BASE_TOOLS) {
                exec(c, "INSERT INTO tools_agents (agent_id, tool_id) VALUES (?, ?) ON CONFLICT (agent_id, tool_id) "
                        + "DO NOTHING", agent.id, toolId(tool));
            }
            exec(c, "INSERT INTO agents_tags (agent_id, tag) VALUES (?, 'letta') ON CONFLICT DO NOTHING", agent.id);
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
     * One turn of Letta 0.16.8 in the default conversation (../shared/letta/README.md, "What one agent turn writes"):
     * the run and its metrics; a step (PENDING) and its metrics; the provider trace; the tools' writes, each committed
     * on its own; the step's SUCCESS; the turn's messages in one batch; agents.message_ids; then the run's end.
     * Returns the run's id.
     */
    String turn(Agent agent, String userText, String reply, Work... toolWrites) throws SQLException {
        String runId = id("run");
        String stepId = id("step");
        tx(c -> {
            exec(c, "INSERT INTO runs (id, status, agent_id, organization_id, conversation_id, background, metadata_, "
                    + "request_config) VALUES (?, 'created', ?, ?, ?, false, '{}', '{}')", runId, agent.id, ORG,
                    agent.conversationId);
            exec(c, "INSERT INTO run_metrics (id, agent_id, organization_id, run_start_ns) VALUES (?, ?, ?, ?)",
                    runId, agent.id, ORG, System.nanoTime());
        });
        tx(c -> exec(c, "INSERT INTO steps (id, organization_id, agent_id, run_id, status, model, provider_name, "
                + "context_window_limit) VALUES (?, ?, ?, ?, 'PENDING', 'gpt-4o-mini', 'openai', 128000)", stepId, ORG,
                agent.id, runId));
        tx(c -> exec(c, "INSERT INTO step_metrics (id, organization_id, agent_id, run_id, step_start_ns) "
                + "VALUES (?, ?, ?, ?, ?)", stepId, ORG, agent.id, runId, System.nanoTime()));
        String traceId = id("provider_trace");
        providerTraces.add(traceId);
        tx(c -> exec(c, "INSERT INTO provider_traces (id, request_json, response_json, step_id, organization_id, "
                + "agent_id, run_id, call_type) VALUES (?, ?::json, ?::json, ?, ?, ?, ?, 'agent_step')", traceId,
                "{\"trace\":\"" + traceId + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + userText + "\"}]}",
                "{\"trace\":\"" + traceId + "\",\"choices\":[]}", stepId, ORG, agent.id, runId));
        for (Work write : toolWrites) {
            tx(write);
        }
        tx(c -> exec(c, "UPDATE steps SET status = 'SUCCESS', prompt_tokens = 900, completion_tokens = 40, "
                + "total_tokens = 940, updated_at = now() WHERE id = ?", stepId));
        tx(c -> exec(c, "UPDATE step_metrics SET llm_request_ns = 1000, step_ns = 2000 WHERE id = ?", stepId));
        String user = id("message");
        String assistant = id("message");
        String tool = id("message");
        String callId = "call-" + UUID.randomUUID();
        tx(c -> {
            exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, otid, step_id, run_id, "
                    + "conversation_id) VALUES (?, ?, ?, 'user', ?::json, ?, ?, ?, ?)", user, ORG, agent.id,
                    content(userText), "otid-" + user, stepId, runId, agent.conversationId);
            exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, tool_calls, step_id, run_id, "
                    + "model, conversation_id) VALUES (?, ?, ?, 'assistant', ?::json, ?::json, ?, ?, 'gpt-4o-mini', ?)",
                    assistant, ORG, agent.id, content(reply), "[{\"id\":\"" + callId + "\",\"type\":\"function\","
                            + "\"function\":{\"name\":\"send_message\",\"arguments\":\"{\\\"message\\\":\\\"" + reply
                            + "\\\"}\"}}]", stepId, runId, agent.conversationId);
            exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, name, tool_call_id, "
                    + "tool_returns, step_id, run_id, conversation_id) VALUES (?, ?, ?, 'tool', ?::json, "
                    + "'send_message', ?, ?::json, ?, ?, ?)", tool, ORG, agent.id, content("None"), callId,
                    "[{\"tool_call_id\":\"" + callId + "\",\"status\":\"success\"}]", stepId, runId, agent.conversationId);
        });
        agent.window.addAll(List.of(user, assistant, tool));
        if (agent.conversationId == null) {
            updateWindow(agent);
        } else {
            conversationTurn(agent, List.of(user, assistant, tool));
        }
        tx(c -> {
            exec(c, "UPDATE runs SET status = 'completed', stop_reason = 'end_turn', completed_at = "
                    + "(now() AT TIME ZONE 'UTC'), ttft_ns = 1000, total_duration_ns = 5000, updated_at = now() WHERE id = ?",
                    runId);
        });
        tx(c -> exec(c, "UPDATE agents SET last_stop_reason = 'end_turn', updated_at = now() WHERE id = ?", agent.id));
        tx(c -> exec(c, "UPDATE run_metrics SET num_steps = 1, run_ns = 5000, tools_used = '[\"send_message\"]' "
                + "WHERE id = ?", runId));
        return runId;
    }

    /**
     * A named conversation's window after a turn (conversation_manager.py:683-797): the new messages' rows at
     * max(position)+1..., in context; then in_context and position rewritten to the window, one UPDATE per row whose
     * value changed, no updated_at. Rows that left the window keep their old position.
     */
    void conversationTurn(Agent conversation, List<String> added) throws SQLException {
        tx(c -> {
            int next = Integer.parseInt(single(c, "SELECT coalesce(max(position), -1) + 1 FROM conversation_messages "
                    + "WHERE conversation_id = ?", conversation.conversationId));
            for (String messageId : added) {
                exec(c, "INSERT INTO conversation_messages (id, conversation_id, agent_id, message_id, position, "
                        + "in_context, organization_id) VALUES (?, ?, ?, ?, ?, true, ?)", id("conv_msg"),
                        conversation.conversationId, conversation.id, messageId, next++, ORG);
            }
        });
        tx(c -> {
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, message_id, position, in_context FROM "
                    + "conversation_messages WHERE conversation_id = ? AND NOT is_deleted ORDER BY id")) {
                s.setString(1, conversation.conversationId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                }
            }
            for (String[] row : rows) {
                int position = conversation.window.indexOf(row[1]);
                boolean inContext = position >= 0;
                if (inContext != "t".equals(row[3]) || (inContext && position != Integer.parseInt(row[2]))) {
                    exec(c, "UPDATE conversation_messages SET in_context = ?, position = ? WHERE id = ?", inContext,
                            inContext ? position : Integer.parseInt(row[2]), row[0]);
                }
            }
        });
    }

    static String single(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
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

    /** A passage's tags replaced (passage_manager.py:652-712): its tag rows deleted, the new ones inserted, the column. */
    void retag(String passageId, String archiveId, String... tags) throws SQLException {
        ArrayNode tagList = JsonNodeFactory.instance.arrayNode();
        Arrays.stream(tags).forEach(tagList::add);
        tx(c -> {
            exec(c, "DELETE FROM passage_tags WHERE passage_id = ?", passageId);
            for (String tag : tags) {
                exec(c, "INSERT INTO passage_tags (id, tag, passage_id, archive_id, organization_id) VALUES (?, ?, ?, ?, ?)",
                        id("passage-tag"), tag, passageId, archiveId, ORG);
            }
            exec(c, "UPDATE archival_passages SET tags = ?::json, updated_at = now() WHERE id = ?", tagList.toString(),
                    passageId);
        });
    }

    /** A passage's text edited: the embedding, stored out of line, is not written again and not sent. */
    void editPassageText(String passageId, String text) throws SQLException {
        tx(c -> exec(c, "UPDATE archival_passages SET text = ?, updated_at = now(), _last_updated_by_id = ? WHERE id = ?",
                text, USER, passageId));
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
