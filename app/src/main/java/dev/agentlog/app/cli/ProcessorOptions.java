package dev.agentlog.app.cli;

import dev.agentlog.processor.ProcessorSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The Kafka Streams processor: its identity, its state and its rules' bounds. */
public final class ProcessorOptions {
    @Option(names = "--application-id", defaultValue = ProcessorSettings.DEFAULT_APPLICATION_ID, paramLabel = "ID",
            description = "Kafka Streams application id of the processor; instances with one id share the partitions.")
    public String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory of the processor's state stores. Default: <data-dir>/processor.")
    public Path stateDir;

    @Option(names = "--dedupe-retention-ms", defaultValue = "604800000", paramLabel = "MS",
            description = "How long the processor remembers an event_id to drop its duplicates (default 7 days). Older repeats are still refused by the sink's events table.")
    public long dedupeRetentionMs;

    @Option(names = "--gap-timeout-ms", defaultValue = "30000", paramLabel = "MS",
            description = "How long an event whose stream_seq is ahead of its stream waits for the gap to fill before it goes to the dead-letter topic (reason gap).")
    public long gapTimeoutMs;

    @Option(names = "--commit-interval-ms", defaultValue = "" + ProcessorSettings.DEFAULT_COMMIT_INTERVAL_MS, paramLabel = "MS",
            description = "Kafka Streams commit interval: with exactly-once, how long before processed events become visible in the log of record.")
    public long commitIntervalMs;

    @Option(names = "--standby-replicas", defaultValue = "" + ProcessorSettings.DEFAULT_NUM_STANDBY_REPLICAS, paramLabel = "N",
            description = "Standby copies of each state store on other processor instances, for fast fail-over.")
    public int numStandbyReplicas;

    public ProcessorSettings settings(Path dataDir, int replicationFactor) {
        return new ProcessorSettings(applicationId,
                stateDir != null ? stateDir : dataDir.resolve(ProcessorSettings.DEFAULT_STATE_SUBDIR),
                dedupeRetentionMs, gapTimeoutMs, replicationFactor, numStandbyReplicas, commitIntervalMs);
    }
}
