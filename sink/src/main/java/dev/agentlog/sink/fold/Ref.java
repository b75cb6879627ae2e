package dev.agentlog.sink.fold;

/**
 * A column that points at the row of another stream's aggregate: the columns by which a delete
 * cascades (Letta's foreign keys, kept here as fold rules rather than database constraints).
 */
public enum Ref {
    AGENT_ID("agent_id"),
    BLOCK_ID("block_id"),
    ARCHIVE_ID("archive_id"),
    CONVERSATION_ID("conversation_id");

    private final String column;

    Ref(String column) {
        this.column = column;
    }

    public String column() {
        return column;
    }
}
