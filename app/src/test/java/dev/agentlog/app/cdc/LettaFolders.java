package dev.agentlog.app.cdc;

import static dev.agentlog.app.cdc.LettaWriter.ORG;
import static dev.agentlog.app.cdc.LettaWriter.exec;
import static dev.agentlog.app.cdc.LettaWriter.id;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Folders and files attached to agents, as Letta 0.16.8 writes them (../shared/letta/README.md, "Files attached to
 * agents"): upload with its processing states and passages, attach, open with LRU eviction, mark access, detach.
 */
final class LettaFolders {
    /** A file's full text: long enough that PostgreSQL keeps it out of line (TOAST), as real documents are. */
    static final int LONG_TEXT_CHARS = 40_000;

    private final LettaWriter writer;

    LettaFolders(LettaWriter writer) {
        this.writer = writer;
    }

    String folder(String name) throws SQLException {
        String sourceId = id("source");
        writer.tx(c -> exec(c, "INSERT INTO sources (id, name, embedding_config, organization_id, vector_db_provider, "
                + "metadata_) VALUES (?, ?, '{\"embedding_model\":\"text-embedding-3-small\"}', ?, 'NATIVE', 'null')",
                sourceId, name, ORG));
        return sourceId;
    }

    /** Upload (file_manager.py:57-230): files + file_contents, the status steps, the passages. Returns the file id. */
    String upload(String sourceId, String fileName, String text) throws SQLException {
        String fileId = id("file");
        writer.tx(c -> {
            exec(c, "INSERT INTO files (id, source_id, file_name, original_file_name, file_type, file_size, "
                    + "organization_id, processing_status) VALUES (?, ?, ?, ?, 'text/plain', ?, ?, 'pending')", fileId,
                    sourceId, fileName, fileName, text.length(), ORG);
            exec(c, "INSERT INTO file_contents (file_id, text, id) VALUES (?, ?, ?)", fileId, text, id("file_content"));
        });
        for (String status : List.of("parsing", "embedding")) {
            writer.tx(c -> exec(c, "UPDATE files SET processing_status = ?, updated_at = now() WHERE id = ?", status,
                    fileId));
        }
        writer.tx(c -> {
            Float[] embedding = new Float[LettaWriter.EMBEDDING_DIMENSIONS];
            Arrays.fill(embedding, 0f);
            embedding[2] = 0.75f;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO source_passages (id, text, embedding_config, "
                    + "embedding, organization_id, file_id, source_id, file_name) VALUES (?, ?, '{}', ?, ?, ?, ?, ?)")) {
                s.setString(1, id("passage"));
                s.setString(2, text.substring(0, Math.min(200, text.length())));
                s.setArray(3, c.createArrayOf("real", embedding));
                s.setString(4, ORG);
                s.setString(5, fileId);
                s.setString(6, sourceId);
                s.setString(7, fileName);
                s.executeUpdate();
            }
        });
        writer.tx(c -> exec(c, "UPDATE files SET processing_status = 'completed', total_chunks = 1, chunks_embedded = 1, "
                + "updated_at = now() WHERE id = ?", fileId));
        return fileId;
    }

    /**
     * Attach a folder (agents.py:830-840, agent_manager.py:1864-1900, files_agents_manager.py:646-772): the
     * sources_agents row + agents.updated_at, the file tools, then one files_agents row per file, open.
     */
    void attach(LettaWriter.Agent agent, String sourceId) throws SQLException {
        writer.tx(c -> {
            exec(c, "INSERT INTO sources_agents (agent_id, source_id) VALUES (?, ?)", agent.id, sourceId);
            exec(c, "UPDATE agents SET updated_at = now() WHERE id = ?", agent.id);
        });
        writer.tx(c -> {
            for (String tool : List.of("open_files", "grep_files")) {
                exec(c, "INSERT INTO tools (id, name, source_type, tags, organization_id, tool_type) VALUES (?, ?, "
                        + "'python', '[]', ?, 'letta_files_core') ON CONFLICT (name, organization_id) DO NOTHING",
                        LettaWriter.toolId(tool), tool, ORG);
                exec(c, "INSERT INTO tools_agents (agent_id, tool_id) VALUES (?, ?) ON CONFLICT DO NOTHING", agent.id,
                        LettaWriter.toolId(tool));
            }
        });
        List<String> files = writer.query("SELECT id || ' ' || file_name FROM files WHERE source_id = ? ORDER BY id",
                sourceId);
        writer.tx(c -> {
            for (String file : files) {
                String[] parts = file.split(" ", 2);
                String text = LettaWriter.single(c, "SELECT text FROM file_contents WHERE file_id = ?", parts[0]);
                exec(c, "INSERT INTO files_agents (id, file_id, agent_id, is_open, visible_content, organization_id, "
                        + "file_name, source_id) VALUES (?, ?, ?, true, ?, ?, ?, ?)", id("file_agent"), parts[0], agent.id,
                        text, ORG, parts[1], sourceId);
            }
        });
    }

    /**
     * open_files with close_all_others (files_tool_executor.py:110-209): the others closed, the file opened on a line
     * window, then every open file's access marked. An UPDATE of last_accessed_at leaves the long visible_content
     * unchanged: PostgreSQL does not send it again.
     */
    void open(LettaWriter.Agent agent, String fileId, int startLine, int endLine) throws SQLException {
        writer.tx(c -> exec(c, "UPDATE files_agents SET is_open = false, visible_content = NULL, updated_at = now() "
                + "WHERE agent_id = ? AND file_id <> ? AND is_open", agent.id, fileId));
        writer.tx(c -> exec(c, "UPDATE files_agents SET is_open = true, visible_content = (SELECT string_agg(line, "
                + "E'\\n') FROM (SELECT line FROM regexp_split_to_table((SELECT text FROM file_contents WHERE file_id = ?), "
                + "E'\\n') WITH ORDINALITY AS l(line, n) WHERE n BETWEEN ? AND ?) x), start_line = ?, end_line = ?, "
                + "last_accessed_at = now(), updated_at = now() WHERE agent_id = ? AND file_id = ?", fileId, startLine,
                endLine, startLine, endLine, agent.id, fileId));
        markAccess(agent);
    }

    /** mark_access_bulk (files_agents_manager.py:456-475): only last_accessed_at changes. */
    void markAccess(LettaWriter.Agent agent) throws SQLException {
        writer.tx(c -> exec(c, "UPDATE files_agents SET last_accessed_at = now() WHERE agent_id = ? AND is_open",
                agent.id));
    }

    /** Detach a folder (agent_manager.py:2033-2068): sources_agents goes, files_agents rows are soft-deleted. */
    void detach(LettaWriter.Agent agent, String sourceId) throws SQLException {
        writer.tx(c -> {
            exec(c, "DELETE FROM sources_agents WHERE agent_id = ? AND source_id = ?", agent.id, sourceId);
            exec(c, "UPDATE files_agents SET is_deleted = true, updated_at = now() WHERE agent_id = ? AND source_id = ?",
                    agent.id, sourceId);
        });
    }

    /** A document long enough to be stored out of line: numbered lines. */
    static String longText(String title) {
        StringBuilder text = new StringBuilder(title).append('\n');
        for (int line = 1; text.length() < LONG_TEXT_CHARS; line++) {
            text.append("line ").append(line).append(": ").append(title).append(" goes on, with words that vary ")
                    .append(Integer.toHexString(line * 7919)).append('\n');
        }
        return text.toString();
    }
}
