package dev.agentlog.app.cdc;

import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Compares what Letta's tables say with what the projections say, in the projections' terms, and waits until they
 * agree (the pipeline is asynchronous end to end).
 */
final class LettaMirror {
    static final Duration TIMEOUT = Duration.ofSeconds(180);

    private final DataSource letta;
    private final DataSource projections;
    private final String schema;
    private final PipelineProbe probe;

    LettaMirror(DataSource letta, DataSource projections, String schema, PipelineProbe probe) {
        this.letta = letta;
        this.projections = projections;
        this.schema = schema;
        this.probe = probe;
    }

    /** Waits until the projections say what the source says, then until the pipeline is drained. */
    void await() throws Exception {
        List<String> expected = source();
        try {
            Await.until("the projections to mirror the source", TIMEOUT, this::projections, expected::equals);
        } catch (AssertionError e) {
            List<String> actual = projections();
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(actual);
            List<String> extra = new ArrayList<>(actual);
            extra.removeAll(expected);
            throw new AssertionError("the projections do not mirror the source; missing: " + missing
                    + "; not in the source: " + extra, e);
        }
        probe.awaitDrained();
    }

    /** What Letta's tables say, in the projections' terms (a legacy row's text column is its one text part). */
    List<String> source() throws Exception {
        List<String> state = new ArrayList<>();
        add(state, "agent", letta, "SELECT id, name, agent_type, system FROM agents ORDER BY id");
        add(state, "message", letta, "SELECT id, agent_id, role, coalesce(content::jsonb, CASE WHEN text IS NOT NULL "
                + "THEN jsonb_build_array(jsonb_build_object('type', 'text', 'text', text)) END)::text, "
                + "tool_calls::jsonb::text, tool_call_id, tool_returns::jsonb::text, name, sequence_id FROM messages ORDER BY id");
        add(state, "context", letta, "SELECT a.id, w.n - 1, w.id FROM agents a, "
                + "json_array_elements_text(a.message_ids) WITH ORDINALITY AS w(id, n) ORDER BY 1, 2");
        add(state, "block", letta, "SELECT id, label, value, version FROM block ORDER BY id");
        add(state, "attached", letta, "SELECT agent_id, block_id, block_label FROM blocks_agents ORDER BY 1, 2");
        add(state, "archive", letta, "SELECT id, name FROM archives ORDER BY id");
        add(state, "archive-attached", letta, "SELECT agent_id, archive_id FROM archives_agents ORDER BY 1, 2");
        add(state, "passage", letta, "SELECT p.id, p.archive_id, p.text, (SELECT jsonb_agg(t ORDER BY t) FROM ("
                + "SELECT json_array_elements_text(p.tags) t UNION SELECT tag FROM passage_tags WHERE passage_id = p.id) x), "
                + "md5(p.embedding::text) FROM archival_passages p ORDER BY p.id");
        add(state, "conversation", letta, "SELECT id, agent_id, summary, is_deleted FROM conversations ORDER BY id");
        add(state, "conversation-row", letta, "SELECT id, conversation_id, message_id, position, in_context, is_deleted "
                + "FROM conversation_messages ORDER BY id");
        add(state, "conversation-block", letta, "SELECT b.conversation_id, b.block_id, c.agent_id, b.block_label "
                + "FROM blocks_conversations b JOIN conversations c ON c.id = b.conversation_id ORDER BY 1, 2");
        add(state, "file", letta, "SELECT id, agent_id, file_id, is_open, md5(visible_content), start_line, end_line, "
                + "is_deleted FROM files_agents ORDER BY id");
        add(state, "link", letta, "SELECT agent_id, kind, target FROM (SELECT agent_id, 'tool' kind, tool_id target "
                + "FROM tools_agents UNION ALL SELECT agent_id, 'source', source_id FROM sources_agents UNION ALL "
                + "SELECT agent_id, 'identity', identity_id FROM identities_agents UNION ALL SELECT agent_id, 'group', "
                + "group_id FROM groups_agents UNION ALL SELECT agent_id, 'tag', tag FROM agents_tags) l ORDER BY 1, 2, 3");
        return state;
    }

    /** The projections, in the same terms: live rows only (a deleted agent or block keeps a row with deleted_at). */
    List<String> projections() throws Exception {
        List<String> state = new ArrayList<>();
        add(state, "agent", projections, "SELECT agent_id, name, agent_type, system FROM " + schema
                + ".agents WHERE deleted_at IS NULL ORDER BY 1");
        add(state, "message", projections, "SELECT message_id, agent_id, role, content::text, tool_calls::text, "
                + "tool_call_id, tool_returns::text, name, source_sequence FROM " + schema + ".messages ORDER BY 1");
        add(state, "context", projections, "SELECT agent_id, position, message_id FROM " + schema
                + ".agent_context ORDER BY 1, 2");
        add(state, "block", projections, "SELECT block_id, label, value, version FROM " + schema
                + ".blocks WHERE deleted_at IS NULL ORDER BY 1");
        add(state, "attached", projections, "SELECT agent_id, block_id, label FROM " + schema + ".agent_blocks ORDER BY 1, 2");
        add(state, "archive", projections, "SELECT archive_id, name FROM " + schema
                + ".archives WHERE deleted_at IS NULL ORDER BY 1");
        add(state, "archive-attached", projections, "SELECT agent_id, archive_id FROM " + schema
                + ".agent_archives ORDER BY 1, 2");
        add(state, "passage", projections, "SELECT passage_id, archive_id, text, (SELECT jsonb_agg(t ORDER BY t) FROM "
                + "jsonb_array_elements_text(tags) t), md5(embedding::text) FROM " + schema + ".passages ORDER BY 1");
        add(state, "conversation", projections, "SELECT conversation_id, agent_id, summary, coalesce(deleted, false) FROM "
                + schema + ".conversations ORDER BY 1");
        add(state, "conversation-row", projections, "SELECT conversation_message_id, conversation_id, message_id, "
                + "position, in_context, coalesce(deleted, false) FROM " + schema + ".conversation_messages ORDER BY 1");
        add(state, "conversation-block", projections, "SELECT conversation_id, block_id, agent_id, label FROM " + schema
                + ".conversation_blocks ORDER BY 1, 2");
        add(state, "file", projections, "SELECT file_agent_id, agent_id, file_id, is_open, md5(visible_content), "
                + "start_line, end_line, coalesce(deleted, false) FROM " + schema + ".agent_files ORDER BY 1");
        add(state, "link", projections, "SELECT agent_id, kind, target FROM " + schema + ".agent_links ORDER BY 1, 2, 3");
        return state;
    }

    private static void add(List<String> state, String kind, DataSource db, String sql) throws Exception {
        Rows.of(db, sql).forEach(row -> state.add(kind + ": " + row));
    }
}
