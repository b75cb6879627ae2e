package dev.agentlog.events;

/** What a stream_id names. Order is guaranteed within one stream, never across streams. */
public enum StreamKind {
    AGENT, BLOCK, ARCHIVE,
    /** {@code <table>:<primary key>} for rows of source tables that have no typed event yet. */
    ROW
}
