package dev.agentlog.sink.snapshot;

import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import java.util.Map;

/**
 * Which stream a projection row belongs to, for the snapshot's one record per stream: the stream whose events write
 * it. An agent's stream owns its agents row, messages, context window, attachments (agent_blocks, agent_archives are
 * written by the agent's block.attached and archive.attached), conversations, files and links; a block's stream its
 * blocks row and every block_versions row; an archive's stream its archives row and passages; a row.changed stream its
 * source_rows row.
 */
public final class StreamOwners {
    private static final Map<String, String> OWNER_COLUMN = Map.ofEntries(
            Map.entry(Tables.AGENTS.name(), "agent_id"), Map.entry(Tables.MESSAGES.name(), "agent_id"),
            Map.entry(Tables.AGENT_CONTEXT.name(), "agent_id"), Map.entry(Tables.BLOCKS.name(), "block_id"),
            Map.entry(Tables.BLOCK_VERSIONS.name(), "block_id"), Map.entry(Tables.AGENT_BLOCKS.name(), "agent_id"),
            Map.entry(Tables.ARCHIVES.name(), "archive_id"), Map.entry(Tables.AGENT_ARCHIVES.name(), "agent_id"),
            Map.entry(Tables.PASSAGES.name(), "archive_id"), Map.entry(Tables.SOURCE_ROWS.name(), "stream_id"),
            Map.entry(Tables.CONVERSATIONS.name(), "agent_id"), Map.entry(Tables.CONVERSATION_MESSAGES.name(), "agent_id"),
            Map.entry(Tables.CONVERSATION_BLOCKS.name(), "agent_id"), Map.entry(Tables.AGENT_FILES.name(), "agent_id"),
            Map.entry(Tables.AGENT_LINKS.name(), "agent_id"));

    private StreamOwners() {}

    /** The position of the owning stream's column in {@link TableDef#values}. */
    static int ownerColumn(TableDef<?, ?> table) {
        String column = OWNER_COLUMN.get(table.name());
        if (column == null) {
            throw new IllegalArgumentException("no owning stream known for table " + table + ": add it to StreamOwners");
        }
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException(table + " has no column " + column);
    }

    /** The stream that owns the row. */
    public static <R> String ownerOf(TableDef<?, R> table, R row) {
        Object owner = table.values(row)[ownerColumn(table)];
        if (!(owner instanceof String id) || id.isEmpty()) {
            throw new IllegalStateException(table + " row " + row + " names no owning stream");
        }
        return id;
    }
}
