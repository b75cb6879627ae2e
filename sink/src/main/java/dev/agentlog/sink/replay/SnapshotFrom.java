package dev.agentlog.sink.replay;

/**
 * Where a rebuild looks for the snapshot it starts from (docs/replay.md, "Rebuild when PostgreSQL was lost").
 */
public enum SnapshotFrom {
    /** The live schema's newest usable snapshot; when it has none (or there is no live schema), the topic's. */
    AUTO,
    /** The live schema's only: without one the whole log is replayed. */
    POSTGRES,
    /** The compacted topic's only ({@code <prefix>.snapshots}), even when PostgreSQL has one. */
    TOPIC
}
