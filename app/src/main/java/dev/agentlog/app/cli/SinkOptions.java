package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.sink.SinkSettings;
import java.util.List;

/** The sink's consumer group, batching and retries. */
public final class SinkOptions extends SettingGroup {
    public static final Setting<String> GROUP_ID = Setting.text("group-id").defaultsTo(SinkSettings.DEFAULT_GROUP_ID)
            .label("GROUP").check(Check.notBlank())
            .doc("Consumer group of the sink workers; workers with one group id share the partitions. Rebuild and verify read and hand over its offsets.");
    public static final Setting<Integer> BATCH_MAX_EVENTS = Setting.count("batch-max-events")
            .defaultsTo(SinkSettings.DEFAULT_BATCH_MAX_EVENTS).check(Check.between(1, SinkSettings.MAX_BATCH_MAX_EVENTS))
            .doc("Most events the sink applies in one PostgreSQL transaction.");
    public static final Setting<Long> BATCH_MAX_WAIT_MS = Setting.millis("batch-max-wait-ms")
            .defaultsTo((long) SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS).check(Check.between(0, Integer.MAX_VALUE))
            .doc("Longest the sink waits to fill a batch before applying what it has.");
    public static final Setting<Integer> SINK_RETRY_MAX_ATTEMPTS = Setting.count("sink-retry-max-attempts")
            .defaultsTo(SinkSettings.DEFAULT_RETRY_MAX_ATTEMPTS).check(Check.atLeast(0))
            .doc("Attempts of a batch while PostgreSQL is unreachable, out of disk or aborts a transaction by a serialization failure, before the worker stops (it never skips). 0: no bound, an outage of any length is waited out (docs/retries.md).");
    public static final Setting<Long> SINK_RETRY_BACKOFF_MS = Setting.millis("sink-retry-backoff-ms")
            .defaultsTo(SinkSettings.DEFAULT_RETRY_BACKOFF_MS).check(Check.atLeast(1))
            .doc("First back-off between attempts; doubles with jitter up to --sink-retry-backoff-max-ms.");
    public static final Setting<Long> SINK_RETRY_BACKOFF_MAX_MS = Setting.millis("sink-retry-backoff-max-ms")
            .defaultsTo(SinkSettings.DEFAULT_RETRY_BACKOFF_MAX_MS).check(Check.atLeast(1))
            .doc("Longest back-off between attempts.");
    public static final Setting<String> GROUP_INSTANCE_ID = Setting.text("group-instance-id").label("ID")
            .doc("Static group membership for this process's sink workers (worker i is <ID>-<i>): a restarted worker takes its partitions back at once, without a rebalance. Unique per process; unset for dynamic membership.");
    public static final Setting<Integer> SINK_WORKERS = Setting.count("sink-workers").defaultsTo(1)
            .check(Check.between(1, 256)).doc("Sink workers (consumer threads) in this process.");

    public SinkOptions() {
        super(GROUP_ID, BATCH_MAX_EVENTS, BATCH_MAX_WAIT_MS, SINK_RETRY_MAX_ATTEMPTS, SINK_RETRY_BACKOFF_MS,
                SINK_RETRY_BACKOFF_MAX_MS, GROUP_INSTANCE_ID, SINK_WORKERS);
    }

    @Override
    protected void check(List<String> problems) {
        Long backoff = get(SINK_RETRY_BACKOFF_MS);
        Long backoffMax = get(SINK_RETRY_BACKOFF_MAX_MS);
        if (backoff != null && backoffMax != null && backoffMax < backoff) {
            problems.add(SINK_RETRY_BACKOFF_MAX_MS.option() + " must be >= " + SINK_RETRY_BACKOFF_MS.option() + " ("
                    + get(SINK_RETRY_BACKOFF_MS) + "), was " + get(SINK_RETRY_BACKOFF_MAX_MS));
        }
    }

    public SinkSettings settings(String schema) {
        return new SinkSettings(get(GROUP_ID), schema, get(BATCH_MAX_EVENTS), get(BATCH_MAX_WAIT_MS).intValue(),
                get(SINK_RETRY_MAX_ATTEMPTS), get(SINK_RETRY_BACKOFF_MS), get(SINK_RETRY_BACKOFF_MAX_MS));
    }

    public int workers() {
        return get(SINK_WORKERS);
    }

    public String groupInstanceId() {
        return get(GROUP_INSTANCE_ID);
    }
}
