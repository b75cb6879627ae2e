package dev.agentlog.sink;

import dev.agentlog.support.retry.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Settings of a sink worker, immutable and checked once. Every problem is reported at once, named by
 * its component (the command line's options, their checks and their documentation are the app's).
 *
 * @param groupId Kafka consumer group of the sink workers, also the key of their offsets in
 *     {@code sink_offsets} (default {@value #DEFAULT_GROUP_ID}); workers with one group id split the partitions
 * @param schema PostgreSQL schema of the tables (default {@value #DEFAULT_SCHEMA}); a lower-case identifier
 * @param batchMaxEvents most events applied in one transaction, also the consumer's {@code max.poll.records}
 *     (default {@value #DEFAULT_BATCH_MAX_EVENTS})
 * @param batchMaxWaitMs longest the broker waits to fill a batch before answering a fetch (default
 *     {@value #DEFAULT_BATCH_MAX_WAIT_MS}): latency added when the log is quiet
 * @param retryMaxAttempts attempts of one transaction when PostgreSQL is unreachable, restarting, out of disk or
 *     reports a serialization failure, before the worker stops; 0 (the default, {@value #DEFAULT_RETRY_MAX_ATTEMPTS}):
 *     no bound, an outage of any length is waited out
 * @param retryBackoffMs wait before the second attempt, doubled for each further one, with jitter
 *     (default {@value #DEFAULT_RETRY_BACKOFF_MS})
 * @param retryBackoffMaxMs longest wait between two attempts (default {@value #DEFAULT_RETRY_BACKOFF_MAX_MS})
 */
public record SinkSettings(String groupId, String schema, int batchMaxEvents, int batchMaxWaitMs,
        int retryMaxAttempts, long retryBackoffMs, long retryBackoffMaxMs) {

    public static final String DEFAULT_GROUP_ID = "agentlog-sink";
    public static final String DEFAULT_SCHEMA = "agentlog";
    public static final int DEFAULT_BATCH_MAX_EVENTS = 2000;
    public static final int DEFAULT_BATCH_MAX_WAIT_MS = 50;
    /** No bound: the worker waits out an outage of any length (issue 16: it stopped after ten attempts). */
    public static final int DEFAULT_RETRY_MAX_ATTEMPTS = 0;
    public static final long DEFAULT_RETRY_BACKOFF_MS = 200;
    public static final long DEFAULT_RETRY_BACKOFF_MAX_MS = 10_000;
    /** Upper bound of batchMaxEvents: a batch is held in memory and written in one transaction. */
    public static final int MAX_BATCH_MAX_EVENTS = 100_000;

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public SinkSettings {
        List<String> problems = new ArrayList<>();
        if (groupId == null || groupId.isBlank()) {
            problems.add("groupId must not be empty, was '" + groupId + "'");
        }
        if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
            problems.add("schema must be a lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*, at most 63 chars),"
                    + " was '" + schema + "'");
        }
        if (batchMaxEvents < 1 || batchMaxEvents > MAX_BATCH_MAX_EVENTS) {
            problems.add("batchMaxEvents must be between 1 and " + MAX_BATCH_MAX_EVENTS + ", was " + batchMaxEvents);
        }
        if (batchMaxWaitMs < 0) {
            problems.add("batchMaxWaitMs must be >= 0, was " + batchMaxWaitMs);
        }
        if (retryMaxAttempts < 0) {
            problems.add("retryMaxAttempts must be >= 0 (0: no bound), was " + retryMaxAttempts);
        }
        if (retryBackoffMs < 1) {
            problems.add("retryBackoffMs must be >= 1, was " + retryBackoffMs);
        }
        if (retryBackoffMaxMs < retryBackoffMs) {
            problems.add("retryBackoffMaxMs must be >= retryBackoffMs (" + retryBackoffMs + "), was "
                    + retryBackoffMaxMs);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    public static SinkSettings defaults() {
        return new SinkSettings(DEFAULT_GROUP_ID, DEFAULT_SCHEMA, DEFAULT_BATCH_MAX_EVENTS, DEFAULT_BATCH_MAX_WAIT_MS,
                DEFAULT_RETRY_MAX_ATTEMPTS, DEFAULT_RETRY_BACKOFF_MS, DEFAULT_RETRY_BACKOFF_MAX_MS);
    }

    public SinkSettings withGroupId(String newGroupId) {
        return new SinkSettings(newGroupId, schema, batchMaxEvents, batchMaxWaitMs, retryMaxAttempts, retryBackoffMs,
                retryBackoffMaxMs);
    }

    public SinkSettings withSchema(String newSchema) {
        return new SinkSettings(groupId, newSchema, batchMaxEvents, batchMaxWaitMs, retryMaxAttempts, retryBackoffMs,
                retryBackoffMaxMs);
    }

    public SinkSettings withBatchMaxEvents(int newBatchMaxEvents) {
        return new SinkSettings(groupId, schema, newBatchMaxEvents, batchMaxWaitMs, retryMaxAttempts, retryBackoffMs,
                retryBackoffMaxMs);
    }

    public SinkSettings withRetry(int maxAttempts, long backoffMs, long backoffMaxMs) {
        return new SinkSettings(groupId, schema, batchMaxEvents, batchMaxWaitMs, maxAttempts, backoffMs, backoffMaxMs);
    }

    /** How a transaction and a dead-letter send are tried again: these settings as agentlog's one retry policy. */
    public RetryPolicy retryPolicy() {
        return retryMaxAttempts == 0 ? RetryPolicy.forever(retryBackoffMs, retryBackoffMaxMs)
                : RetryPolicy.attempts(retryMaxAttempts, retryBackoffMs, retryBackoffMaxMs);
    }
}
