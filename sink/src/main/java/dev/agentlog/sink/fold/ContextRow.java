package dev.agentlog.sink.fold;

/** A row of {@code agent_context}: the message at 0-based {@code position} of an agent's in-context window. */
public record ContextRow(String agentId, int position, String messageId) {
    /** The key of {@code agent_context}. */
    public record Key(String agentId, int position) {}
}
