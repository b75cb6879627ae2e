package dev.agentlog.sink.fold;

/** A row of {@code conversation_blocks}: a block isolated in one conversation of an agent. */
public record ConversationBlockRow(String conversationId, String blockId, String agentId, String label) {
    /** The key of {@code conversation_blocks}. */
    public record Key(String conversationId, String blockId) {}
}
