package dev.agentlog.sink.replay;

import dev.agentlog.sink.SinkSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of a rebuild, immutable and checked once; every problem is reported at once, named by its
 * component (the command line's options, their checks and their documentation are the app's).
 *
 * @param liveSchema the schema the live sink writes and readers read ({@code --pg-schema}, default
 *     {@value SinkSettings#DEFAULT_SCHEMA}); at most {@value #MAX_LIVE_SCHEMA_CHARS} characters so that the
 *     names derived from it fit PostgreSQL's 63
 * @param groupId the live sink's consumer group ({@code --group-id}, default {@value SinkSettings#DEFAULT_GROUP_ID}):
 *     the rebuild stops at that group's offsets and hands them over with the swap
 * @param batchMaxEvents most events applied in one transaction of the shadow schema, per lane
 *     ({@code --rebuild-batch-max-events}, default {@value #DEFAULT_BATCH_MAX_EVENTS}); bigger than the live sink's:
 *     nobody waits on a rebuild's latency
 * @param lockTimeoutMs longest the swap waits for the live sink's transaction in flight before it lets go and
 *     tries again ({@code --lock-timeout-ms}, default {@value #DEFAULT_LOCK_TIMEOUT_MS})
 * @param swapAttempts swaps tried before the rebuild gives up ({@code --swap-attempts}, default
 *     {@value #DEFAULT_SWAP_ATTEMPTS})
 * @param resume keep a shadow schema left by an interrupted rebuild and continue from its offsets
 *     ({@code --resume}); otherwise it is dropped and the replay starts from the log's beginning
 * @param dropOld drop the old live schema right after the swap ({@code --drop-old}); otherwise it is kept
 *     until {@code agentlog rebuild --drop <schema>}
 * @param workers lanes replaying in parallel ({@code --workers}, default {@value #DEFAULT_WORKERS}), each with its
 *     share of the partitions and its own connection, never more than {@value Lanes#MAX_WINDOW_MS} ms of log time
 *     apart; 1 replays strictly in one merged log order (the order {@code verify} folds in)
 */
public record RebuildSettings(String liveSchema, String groupId, int batchMaxEvents, long lockTimeoutMs,
        int swapAttempts, boolean resume, boolean dropOld, int workers) {

    public static final int MAX_LIVE_SCHEMA_CHARS = 63 - OldSchemas.SUFFIX_CHARS;
    public static final int DEFAULT_BATCH_MAX_EVENTS = 10_000;
    public static final long DEFAULT_LOCK_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_SWAP_ATTEMPTS = 5;
    /**
     * One lane: strictly one merged log order. More lanes let one apply in Java while another waits for PostgreSQL,
     * which pays only with idle cores (docs/replay.md), at the price of a window of log time in which two lanes'
     * records may interleave differently.
     */
    public static final int DEFAULT_WORKERS = 1;
    public static final int MAX_WORKERS = 64;
    /** Appended to the live schema's name for the shadow schema the log is replayed into. */
    public static final String SHADOW_SUFFIX = "_rebuild";

    public RebuildSettings {
        List<String> problems = new ArrayList<>();
        if (liveSchema == null || !liveSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
            problems.add("liveSchema must be a lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*), was '" + liveSchema
                    + "'");
        } else if (liveSchema.length() > MAX_LIVE_SCHEMA_CHARS) {
            problems.add("liveSchema must have at most " + MAX_LIVE_SCHEMA_CHARS + " characters for a rebuild (the old"
                    + " schema is named <schema>_old_<yyyyMMdd_HHmmss>), was '" + liveSchema + "'");
        }
        if (groupId == null || groupId.isBlank()) {
            problems.add("groupId must not be empty, was '" + groupId + "'");
        }
        if (batchMaxEvents < 1 || batchMaxEvents > SinkSettings.MAX_BATCH_MAX_EVENTS) {
            problems.add("batchMaxEvents must be between 1 and " + SinkSettings.MAX_BATCH_MAX_EVENTS
                    + ", was " + batchMaxEvents);
        }
        if (lockTimeoutMs < 1) {
            problems.add("lockTimeoutMs must be >= 1, was " + lockTimeoutMs);
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            problems.add("workers must be between 1 and " + MAX_WORKERS + ", was " + workers);
        }
        if (swapAttempts < 1) {
            problems.add("swapAttempts must be >= 1, was " + swapAttempts);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    public static RebuildSettings defaults() {
        return new RebuildSettings(SinkSettings.DEFAULT_SCHEMA, SinkSettings.DEFAULT_GROUP_ID, DEFAULT_BATCH_MAX_EVENTS,
                DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_SWAP_ATTEMPTS, false, false, DEFAULT_WORKERS);
    }

    public RebuildSettings withLiveSchema(String schema) {
        return new RebuildSettings(schema, groupId, batchMaxEvents, lockTimeoutMs, swapAttempts, resume, dropOld, workers);
    }

    public RebuildSettings withGroupId(String group) {
        return new RebuildSettings(liveSchema, group, batchMaxEvents, lockTimeoutMs, swapAttempts, resume, dropOld, workers);
    }

    public RebuildSettings withBatchMaxEvents(int events) {
        return new RebuildSettings(liveSchema, groupId, events, lockTimeoutMs, swapAttempts, resume, dropOld, workers);
    }

    public RebuildSettings withResume(boolean value) {
        return new RebuildSettings(liveSchema, groupId, batchMaxEvents, lockTimeoutMs, swapAttempts, value, dropOld, workers);
    }

    public RebuildSettings withDropOld(boolean value) {
        return new RebuildSettings(liveSchema, groupId, batchMaxEvents, lockTimeoutMs, swapAttempts, resume, value, workers);
    }

    public RebuildSettings withLockTimeoutMs(long value) {
        return new RebuildSettings(liveSchema, groupId, batchMaxEvents, value, swapAttempts, resume, dropOld, workers);
    }

    public RebuildSettings withWorkers(int value) {
        return new RebuildSettings(liveSchema, groupId, batchMaxEvents, lockTimeoutMs, swapAttempts, resume, dropOld,
                value);
    }

    /** The schema the log is replayed into. */
    public String shadowSchema() {
        return liveSchema + SHADOW_SUFFIX;
    }
}
