package dev.agentlog.events;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The three topics of contract section 4 (and the snapshots' compacted topic) under one configurable prefix, so several deployments can
 * share a Kafka cluster. Every record is keyed by stream_id (UTF-8) so a stream lives in one partition.
 */
public record Topics(String prefix) {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    public static final Topics DEFAULT = new Topics("agentlog");

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL.matcher(prefix).matches() || prefix.length() > 200) {
            throw new IllegalArgumentException("topic prefix must be 1..200 of [a-zA-Z0-9._-], was '" + prefix + "'");
        }
    }

    /** What ingest accepted (HTTP, client library, CDC): not yet validated, de-duplicated or ordered. */
    public String in() {
        return prefix + ".events.in";
    }

    /**
     * The log of record: validated, de-duplicated, ordered. Retention forever, or finite once snapshots are taken
     * (docs/replay.md, "Snapshots and retention").
     */
    public String events() {
        return prefix + ".events";
    }

    /** The latest snapshot of every stream's state (compacted: key = stream id; docs/replay.md). */
    public String snapshots() {
        return prefix + ".snapshots";
    }

    /** Rejected records: original key and bytes, headers with the reason. */
    public String dlq() {
        return prefix + ".events.dlq";
    }
}
