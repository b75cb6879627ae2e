package dev.agentlog.sink.fold;

/** A row of {@code agent_blocks}: a block attached to an agent. */
public record AgentBlockRow(String agentId, String blockId, String label) {
    /** The key of {@code agent_blocks}. */
    public record Key(String agentId, String blockId) {}
}
