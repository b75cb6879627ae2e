package dev.agentlog.sink.fold;

/**
 * A row of {@code agent_links}: the agent is linked to a tool, a folder ({@code source}), an identity, a group or a
 * tag ({@code kind}), named by {@code target} (an id, or the tag itself).
 */
public record AgentLinkRow(String agentId, String kind, String target) {
    /** The key of {@code agent_links}: all of it. */
    public record Key(String agentId, String kind, String target) {}
}
