package dev.agentlog.app.cli;

import dev.agentlog.sink.SinkSettings;
import picocli.CommandLine.Option;

/** The sink's consumer group and batching. */
public final class SinkOptions {
    @Option(names = "--group-id", defaultValue = SinkSettings.DEFAULT_GROUP_ID, paramLabel = "GROUP",
            description = "Consumer group of the sink workers; workers with one group id share the partitions.")
    public String groupId;

    @Option(names = "--batch-max-events", defaultValue = "" + SinkSettings.DEFAULT_BATCH_MAX_EVENTS, paramLabel = "N",
            description = "Most events the sink applies in one PostgreSQL transaction.")
    public int batchMaxEvents;

    @Option(names = "--batch-max-wait-ms", defaultValue = "" + SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS, paramLabel = "MS",
            description = "Longest the sink waits to fill a batch before applying what it has.")
    public int batchMaxWaitMs;

    @Option(names = "--sink-retry-max-attempts", defaultValue = "" + SinkSettings.DEFAULT_RETRY_MAX_ATTEMPTS, paramLabel = "N",
            description = "Attempts of a batch while PostgreSQL is unreachable or a transaction is aborted by a serialization failure, before the worker stops (it never skips).")
    public int retryMaxAttempts;

    @Option(names = "--sink-retry-backoff-ms", defaultValue = "" + SinkSettings.DEFAULT_RETRY_BACKOFF_MS, paramLabel = "MS",
            description = "First back-off between attempts; doubles with jitter up to --sink-retry-backoff-max-ms.")
    public long retryBackoffMs;

    @Option(names = "--sink-retry-backoff-max-ms", defaultValue = "" + SinkSettings.DEFAULT_RETRY_BACKOFF_MAX_MS, paramLabel = "MS",
            description = "Longest back-off between attempts.")
    public long retryBackoffMaxMs;

    @Option(names = "--group-instance-id", paramLabel = "ID",
            description = "Static group membership for this process's sink workers (worker i is <ID>-<i>): a restarted worker takes its partitions back at once, without a rebalance. Unique per process; unset for dynamic membership.")
    public String groupInstanceId;

    public SinkSettings settings(String schema) {
        return new SinkSettings(groupId, schema, batchMaxEvents, batchMaxWaitMs, retryMaxAttempts, retryBackoffMs,
                retryBackoffMaxMs);
    }
}
