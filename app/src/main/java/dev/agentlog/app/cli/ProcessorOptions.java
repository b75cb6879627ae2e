package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.processor.ProcessorSettings;
import java.nio.file.Path;

/** The Kafka Streams processor: its identity, its state and its rules' bounds. */
public final class ProcessorOptions extends SettingGroup {
    public static final Setting<String> APPLICATION_ID = Setting.text("application-id")
            .defaultsTo(ProcessorSettings.DEFAULT_APPLICATION_ID).label("ID")
            .check(Check.matches("[a-zA-Z0-9._-]+", "[a-zA-Z0-9._-] only (it starts topic names)"))
            .doc("Kafka Streams application id of the processor; instances with one id share the partitions.");
    public static final Setting<Path> STATE_DIR = Setting.path("state-dir").label("DIR")
            .doc("Directory of the processor's state stores. Default: <data-dir>/processor.");
    public static final Setting<Long> DEDUPE_RETENTION_MS = Setting.millis("dedupe-retention-ms")
            .defaultsTo(ProcessorSettings.DEFAULT_DEDUPE_RETENTION_MS).check(Check.atLeast(1))
            .doc("How long the processor remembers an event_id to drop its duplicates (default 7 days). Older repeats are still refused by the sink's events table.");
    public static final Setting<Long> GAP_TIMEOUT_MS = Setting.millis("gap-timeout-ms")
            .defaultsTo(ProcessorSettings.DEFAULT_GAP_TIMEOUT_MS).check(Check.atLeast(1))
            .doc("How long an event whose stream_seq is ahead of its stream waits for the gap to fill before it goes to the dead-letter topic (reason gap).");
    public static final Setting<Long> COMMIT_INTERVAL_MS = Setting.millis("commit-interval-ms")
            .defaultsTo(ProcessorSettings.DEFAULT_COMMIT_INTERVAL_MS).check(Check.atLeast(1))
            .doc("Kafka Streams commit interval: with exactly-once, how long before processed events become visible in the log of record.");
    public static final Setting<Integer> STANDBY_REPLICAS = Setting.count("standby-replicas")
            .defaultsTo(ProcessorSettings.DEFAULT_NUM_STANDBY_REPLICAS).check(Check.atLeast(0))
            .doc("Standby copies of each state store on other processor instances, for fast fail-over.");

    public ProcessorOptions() {
        super(APPLICATION_ID, STATE_DIR, DEDUPE_RETENTION_MS, GAP_TIMEOUT_MS, COMMIT_INTERVAL_MS, STANDBY_REPLICAS);
    }

    public ProcessorSettings settings(Path dataDir, int replicationFactor) {
        Path stateDir = get(STATE_DIR);
        return new ProcessorSettings(get(APPLICATION_ID),
                stateDir != null ? stateDir : dataDir.resolve(ProcessorSettings.DEFAULT_STATE_SUBDIR),
                get(DEDUPE_RETENTION_MS), get(GAP_TIMEOUT_MS), replicationFactor, get(STANDBY_REPLICAS),
                get(COMMIT_INTERVAL_MS));
    }
}
