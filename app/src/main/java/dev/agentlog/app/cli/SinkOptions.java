package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.SnapshotPolicy;
import dev.agentlog.app.wiring.SnapshotSchedule;
import dev.agentlog.app.wiring.SnapshotWriter;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.sink.snapshot.StateCipher;
import dev.agentlog.support.time.Time;
import javax.sql.DataSource;
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

    public static final Setting<Long> SNAPSHOT_INTERVAL_MS = Setting.millis("snapshot-interval-ms").defaultsTo(0L)
            .check(Check.atLeast(0))
            .doc("Take a snapshot of every stream's state (as agentlog snapshot does) this often while the sink runs; 0: not on a timer. With a finite retention.ms on <prefix>.events, take them well within it (docs/replay.md).");
    public static final Setting<Long> SNAPSHOT_EVERY_RECORDS = Setting.number("snapshot-every-records").defaultsTo(0L)
            .check(Check.atLeast(0))
            .doc("Take a snapshot once the sink has applied this many records of the log since the last one (the tail a rebuild replays); 0: off.");
    /** Also agentlog snapshot's. */
    public static final Setting<Integer> KEEP_SNAPSHOTS = Setting.count("keep-snapshots").defaultsTo(0)
            .check(Check.atLeast(0))
            .doc("After taking a snapshot, keep only the newest N in PostgreSQL (0: every one); state --at answers from the oldest one the log can still be replayed from.");

    public SinkOptions() {
        super(GROUP_ID, BATCH_MAX_EVENTS, BATCH_MAX_WAIT_MS, SINK_RETRY_MAX_ATTEMPTS, SINK_RETRY_BACKOFF_MS,
                SINK_RETRY_BACKOFF_MAX_MS, GROUP_INSTANCE_ID, SINK_WORKERS, SNAPSHOT_INTERVAL_MS, SNAPSHOT_EVERY_RECORDS,
                KEEP_SNAPSHOTS);
    }

    /**
     * Starts the sink's continuous snapshots when --snapshot-interval-ms or --snapshot-every-records is set (sink, up).
     */
    void startSnapshots(Running running, DataSource pool, String schema, KafkaClients clients, KafkaOptions kafka,
            StateCipher cipher) {
        if (!snapshotPolicy().enabled()) {
            return;
        }
        TopicAdmin.ensureSnapshotTopic(clients, kafka.topics(), kafka.partitions(), kafka.replicationFactor());
        SnapshotWriter writer = new SnapshotWriter(pool, schema, get(GROUP_ID), clients, kafka.topics(), cipher,
                get(KEEP_SNAPSHOTS), Time.SYSTEM);
        running.add(new SnapshotSchedule(writer, snapshotPolicy(), pool, schema, get(GROUP_ID),
                kafka.topics().events(), Time.SYSTEM).start());
    }

    /** When the sink takes snapshots by itself (off unless one of the two is set). */
    public SnapshotPolicy snapshotPolicy() {
        return new SnapshotPolicy(get(SNAPSHOT_INTERVAL_MS), get(SNAPSHOT_EVERY_RECORDS));
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
