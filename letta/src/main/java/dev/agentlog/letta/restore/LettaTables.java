package dev.agentlog.letta.restore;

import java.util.List;
import java.util.Set;

/**
 * Which of Letta's tables a restore writes, in the order their foreign keys need, which of them the agent owns, and
 * the references through which it finds the shared rows its own rows need (../shared/letta/schema.sql, 0.16.8).
 */
final class LettaTables {
    /** A column of a restored table that names a row of another table (a foreign key, or Letta's own link). */
    record Reference(String table, String column, String target) {}

    /**
     * Shared rows: another agent may use them, a restore inserts the ones the target lacks and leaves the others
     * as the target has them; {@code --as} keeps their ids.
     */
    static final Set<String> SHARED = Set.of("organizations", "providers", "tools", "sources", "files", "identities",
            "groups");

    /** Every table a restore writes, parents before children. */
    static final List<String> INSERT_ORDER = List.of("organizations", "providers", "tools", "sources", "files",
            "identities", "agents", "groups", "block", "blocks_agents", "conversations", "runs", "steps", "messages",
            "conversation_messages", "blocks_conversations", "archives", "archives_agents", "archival_passages",
            "passage_tags", "files_agents", "tools_agents", "sources_agents", "identities_agents", "groups_agents",
            "agents_tags");

    /**
     * The agent's rows another agent may share (a sleeptime agent's blocks are the main agent's; an archive can be
     * attached to several agents): where the target already holds one, the restore keeps it as the target has it,
     * passages included, and does not count it as a conflict.
     */
    static final Set<String> KEPT_WHEN_PRESENT = Set.of("block", "archives", "archival_passages", "passage_tags");

    /** The agent's own rows that have an id of their own: {@code --as} gives each a new one. */
    static final List<String> OWNED_WITH_ID = List.of("agents", "block", "conversations", "runs", "steps", "messages",
            "conversation_messages", "archives", "archival_passages", "passage_tags", "files_agents");

    /** Tables without typed events that the agent's rows point to; their rows travel as row.changed. */
    static final List<Reference> REFERENCES = List.of(
            new Reference("messages", "run_id", "runs"), new Reference("messages", "step_id", "steps"),
            new Reference("steps", "run_id", "runs"), new Reference("steps", "provider_id", "providers"),
            new Reference("tools_agents", "tool_id", "tools"), new Reference("sources_agents", "source_id", "sources"),
            new Reference("files_agents", "source_id", "sources"), new Reference("files_agents", "file_id", "files"),
            new Reference("files", "source_id", "sources"),
            new Reference("identities_agents", "identity_id", "identities"),
            new Reference("groups_agents", "group_id", "groups"));

    private LettaTables() {}
}
