package dev.agentlog.processor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The processor's settings, frozen once running. The compact constructor checks every field and reports
 * every problem at once, each named by its component ({@code gapTimeoutMs must be >= 1, was 0}); the command
 * line's options, their checks and their documentation are the app's.
 *
 * @param applicationId      Kafka Streams application.id: the consumer group, the transactional id prefix and
 *                           the prefix of the changelog topics. Instances with the same id share the work.
 * @param stateDir           where the local state stores live (a project data directory, never /tmp: a wiped
 *                           directory means a full restore from the changelogs on the next start)
 * @param dedupeRetentionMs  how long (wall-clock, after it passed) an event_id and the owner of a stream position
 *                           are remembered. A duplicate that comes later is no longer recognised by the processor
 *                           (without stream_seq it would pass again at a new position; with one it is a conflict);
 *                           the sink's {@code events} table still refuses it by event_id.
 * @param gapTimeoutMs       how long (wall-clock) events ahead of a missing stream position are held back before
 *                           they go to the dead-letter topic with reason {@code gap} and the stream moves on
 * @param replicationFactor  replication factor of the changelog topics: 1 on the embedded single broker, 3 on a
 *                           production cluster
 * @param numStandbyReplicas warm copies of each task's state on other instances, for fast fail-over
 * @param commitIntervalMs   how often the Kafka transaction commits: with exactly_once_v2 this is the latency
 *                           of the log of record for read_committed readers
 */
public record ProcessorSettings(
        String applicationId,
        Path stateDir,
        long dedupeRetentionMs,
        long gapTimeoutMs,
        int replicationFactor,
        int numStandbyReplicas,
        long commitIntervalMs) {

    public static final String DEFAULT_APPLICATION_ID = "agentlog-processor";
    /** Under the data directory given to {@link #defaults(Path)}. */
    public static final String DEFAULT_STATE_SUBDIR = "processor";
    /** 7 days. A literal: picocli annotations in the app use these defaults as compile-time constants. */
    public static final long DEFAULT_DEDUPE_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_GAP_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_REPLICATION_FACTOR = 1;
    public static final int DEFAULT_NUM_STANDBY_REPLICAS = 0;
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;

    public ProcessorSettings {
        List<String> problems = new ArrayList<>();
        if (applicationId == null || applicationId.isBlank()) {
            problems.add("applicationId must not be empty, was '" + applicationId + "'");
        } else if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
            problems.add("applicationId must consist of [a-zA-Z0-9._-] (it prefixes topic names), was '"
                    + applicationId + "'");
        }
        if (stateDir == null) {
            problems.add("stateDir must be set (a directory kept across restarts)");
        }
        atLeast(problems, "dedupeRetentionMs", dedupeRetentionMs, 1);
        atLeast(problems, "gapTimeoutMs", gapTimeoutMs, 1);
        atLeast(problems, "replicationFactor", replicationFactor, 1);
        atLeast(problems, "numStandbyReplicas", numStandbyReplicas, 0);
        atLeast(problems, "commitIntervalMs", commitIntervalMs, 1);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Every default, with the state under {@code dataDir/processor}. */
    public static ProcessorSettings defaults(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        return new ProcessorSettings(DEFAULT_APPLICATION_ID, dataDir.resolve(DEFAULT_STATE_SUBDIR),
                DEFAULT_DEDUPE_RETENTION_MS, DEFAULT_GAP_TIMEOUT_MS, DEFAULT_REPLICATION_FACTOR,
                DEFAULT_NUM_STANDBY_REPLICAS, DEFAULT_COMMIT_INTERVAL_MS);
    }

    public ProcessorSettings withApplicationId(String value) {
        return new ProcessorSettings(value, stateDir, dedupeRetentionMs, gapTimeoutMs, replicationFactor,
                numStandbyReplicas, commitIntervalMs);
    }

    public ProcessorSettings withStateDir(Path value) {
        return new ProcessorSettings(applicationId, value, dedupeRetentionMs, gapTimeoutMs, replicationFactor,
                numStandbyReplicas, commitIntervalMs);
    }

    public ProcessorSettings withDedupeRetentionMs(long value) {
        return new ProcessorSettings(applicationId, stateDir, value, gapTimeoutMs, replicationFactor,
                numStandbyReplicas, commitIntervalMs);
    }

    public ProcessorSettings withGapTimeoutMs(long value) {
        return new ProcessorSettings(applicationId, stateDir, dedupeRetentionMs, value, replicationFactor,
                numStandbyReplicas, commitIntervalMs);
    }

    public ProcessorSettings withReplicationFactor(int value) {
        return new ProcessorSettings(applicationId, stateDir, dedupeRetentionMs, gapTimeoutMs, value,
                numStandbyReplicas, commitIntervalMs);
    }

    public ProcessorSettings withNumStandbyReplicas(int value) {
        return new ProcessorSettings(applicationId, stateDir, dedupeRetentionMs, gapTimeoutMs, replicationFactor,
                value, commitIntervalMs);
    }

    public ProcessorSettings withCommitIntervalMs(long value) {
        return new ProcessorSettings(applicationId, stateDir, dedupeRetentionMs, gapTimeoutMs, replicationFactor,
                numStandbyReplicas, value);
    }

    private static void atLeast(List<String> problems, String component, long value, long min) {
        if (value < min) {
            problems.add(component + " must be >= " + min + ", was " + value);
        }
    }
}
