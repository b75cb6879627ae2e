package dev.agentlog.sink.fold;

/** A row of {@code agent_archives}: an archive attached to an agent. */
public record AgentArchiveRow(String agentId, String archiveId) {
    /** The key of {@code agent_archives}. */
    public record Key(String agentId, String archiveId) {}
}
