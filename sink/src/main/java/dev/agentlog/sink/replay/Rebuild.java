package dev.agentlog.sink.replay;

import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.SinkCore;
import dev.agentlog.sink.replay.RebuildProgress.Phase;
import dev.agentlog.sink.snapshot.SnapshotTopicReader;
import dev.agentlog.sink.snapshot.StateCipher;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agentlog rebuild}: replays the log of record into a fresh shadow schema while the live schema keeps
 * serving and the live sink keeps writing, then swaps the two in one transaction. Steps:
 * <ol>
 *   <li>The shadow schema {@code <live>_rebuild} is migrated (an earlier one is dropped, or kept with --resume).</li>
 *   <li>The log is replayed through {@link SinkCore}, the live sink's own batch path, into the shadow schema,
 *       under the live sink's consumer group: the shadow's {@code sink_offsets} say how far it got. The replay
 *       never passes the live sink's offsets (read again every second): it stops where the live sink is.</li>
 *   <li>Swap, in one transaction: lock the live {@code sink_offsets} (the live sink's batch in flight finishes,
 *       its next one waits), read the live offsets, apply the records up to exactly those into the shadow,
 *       write them as the shadow's offsets, check that both {@code events} tables hold as many events, rename
 *       live to {@code <live>_old_<yyyyMMdd_HHmmss>} and the shadow to live, commit. The waiting live batch then
 *       goes to the rebuilt tables and continues from the same offsets: no event is lost or applied twice.</li>
 *   <li>The old schema is kept until {@code agentlog rebuild --drop <schema>} (or dropped now with --drop-old).</li>
 * </ol>
 * Without a live schema (a first build, or after it was dropped) the log is replayed to its current end and the
 * shadow renamed to live.
 *
 * <p>This class runs those steps in order; each is a class of its own: {@link RebuildPlan} (where the replay starts
 * and stops), {@link ShadowTables} (what the lanes may assume about the shadow's tables: the one seam with the live
 * sink's batch path), {@link ShadowIndexes} (indexes deferred to the end), {@link Lanes} (the replay in
 * {@link RebuildSettings#workers()} lanes, each a share of the partitions with its own source and {@link SinkCore},
 * kept to one window of log time), {@link CatchUp} (following the live sink), {@link ShadowStatistics} (ANALYZE as the
 * tables grow), {@link Swap}, and {@link RebuildCounters} (progress and the result's figures).
 *
 * <p>Threading: {@link #run()} runs on the caller's thread and, with several lanes, on one thread per lane (a
 * lane's source and writer are used by one thread at a time); the caller's source is the caller's to close, the
 * lanes' own sources are closed by {@link #run()}. One run per instance.
 */
public final class Rebuild {
    private static final Logger log = LoggerFactory.getLogger(Rebuild.class);

    private final DataSource dataSource;
    private DataSource migrations;
    private final RebuildSettings settings;
    private final LogSource source;
    private final RebuildListener listener;
    private final MeterRegistry registry;
    private final Clock clock;
    private final String context;
    private EventCodec codec = EventCodec.standard();
    /** Null: replay the whole log; otherwise start from the newest snapshot there is, opened with this. */
    private StateCipher snapshots;
    /** Where the snapshot is looked for: by default the live schema's alone. */
    private SnapshotChoice snapshotChoice = SnapshotChoice.POSTGRES_ONLY;

    /**
     * @param source where the log is read from; positioned by the rebuild
     * @param registry gets the shadow writer's {@code agentlog.sink.*} meters (pass a separate registry to keep
     *     them apart from a live sink's in the same process)
     */
    public Rebuild(DataSource dataSource, RebuildSettings settings, LogSource source, RebuildListener listener,
            MeterRegistry registry) {
        this(dataSource, settings, source, listener, registry, Time.SYSTEM.clock());
    }

    /**
     * As {@link #Rebuild(DataSource, RebuildSettings, LogSource, RebuildListener, MeterRegistry)}, with the shadow
     * schema's tables made through {@code migrations}: a direct connection when {@code dataSource} goes through a
     * transaction pooler, where the migrations' session settings would not hold.
     */
    public Rebuild withMigrationsThrough(DataSource migrations) {
        this.migrations = migrations;
        return this;
    }

    /** Decodes the log with {@code value}: one that opens sealed payloads when encryption is on (docs/privacy.md). */
    public Rebuild withCodec(EventCodec value) {
        this.codec = value;
        return this;
    }

    /**
     * Starts from the newest snapshot of the live schema at or before the replay's limits, when there is one, and
     * replays only the tail after it (docs/replay.md, "Snapshots and retention"); its streams open with {@code cipher}.
     */
    public Rebuild fromSnapshot(StateCipher cipher) {
        this.snapshots = cipher;
        return this;
    }

    /**
     * Also looks for the snapshot in the compacted topic {@code topic} (docs/replay.md, "Rebuild when PostgreSQL was
     * lost"): with {@link SnapshotFrom#AUTO} when the live schema has no usable snapshot (or there is no live schema),
     * with {@link SnapshotFrom#TOPIC} always. Needs {@link #fromSnapshot}.
     */
    public Rebuild withSnapshotTopic(SnapshotTopicReader reader, String topic, SnapshotFrom from) {
        this.snapshotChoice = new SnapshotChoice(reader, topic, from);
        return this;
    }

    Rebuild(DataSource dataSource, RebuildSettings settings, LogSource source, RebuildListener listener,
            MeterRegistry registry, Clock clock) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.source = source;
        this.listener = listener;
        this.registry = registry;
        this.clock = clock;
        this.context = "[rebuild " + settings.liveSchema() + "]";
    }

    /**
     * Rebuilds and swaps.
     *
     * @throws IllegalStateException when the rebuild cannot go on (the message says why and what to do); the
     *     live schema is then untouched and the shadow schema left for --resume or --drop
     */
    public RebuildResult run() throws SQLException {
        String live = settings.liveSchema();
        String shadow = settings.shadowSchema();
        RebuildCounters counters = new RebuildCounters(listener);
        counters.phase(Phase.PREPARING);
        RebuildPlan plan = RebuildPlan.make(dataSource, migrations != null ? migrations : dataSource, settings, source,
                context);
        Optional<SnapshotSeed.Start> snapshot = snapshots == null || plan.resumed() ? Optional.empty()
                : snapshotChoice.choose(dataSource, settings, source.topic(), plan, context);
        // unless resumed, the shadow starts empty and only this rebuild writes it (a seed tells what it wrote)
        ShadowTables tables = plan.resumed() ? ShadowTables.resumed()
                : ShadowTables.startingEmpty(plan.records(), maxMemoryForKeys());
        ShadowIndexes indexes = new ShadowIndexes(dataSource, shadow, tables, context);
        indexes.defer(plan.resumed());
        long auditRecordsLost = 0;
        if (snapshot.isPresent()) {
            SnapshotSeed.seed(dataSource, settings, snapshot.get(), snapshots, tables, plan.liveExists(), context);
            if (!plan.liveExists()) {
                auditRecordsLost = snapshot.get().recordsBelow();
                log.warn("{} there is no live schema: the events rows (the audit trail) of the {} records below the"
                        + " snapshot's positions cannot come back; state --at, history and export reach back to the"
                        + " snapshot only", context, auditRecordsLost);
            }
        }
        CountingDeadLetters deadLetters = new CountingDeadLetters(context);
        try (ShadowStatistics statistics = new ShadowStatistics(dataSource, shadow, context);
             Lanes lanes = new Lanes(source, plan.partitions(), new Lanes.Shared(dataSource, settings, tables, indexes,
                     deadLetters, registry, counters, statistics, codec))) {
            Map<TopicPartition, Long> limits = plan.limits();
            counters.expect(source.estimate(lanes.start(), limits));
            log.info("{} replaying {} from {} into {} in {} lane(s) ({} records to go{}), group {}", context,
                    source.topic(), new TreeSet<>(lanes.start().entrySet().stream()
                            .map(e -> e.getKey().partition() + "@" + e.getValue()).toList()),
                    shadow, lanes.size(), counters.estimate(),
                    plan.liveExists() ? ", up to the live sink's offsets" : ", to the log's end", settings.groupId());
            counters.phase(Phase.REPLAYING);
            CatchUp catchUp = new CatchUp(lanes, dataSource, settings, source.topic(), plan.liveExists(), counters);
            limits = catchUp.run(limits);
            finishTables(statistics, indexes, counters);
            limits = catchUp.run(limits); // what the live sink applied meanwhile
            long replayMillis = counters.elapsedMillis();

            counters.phase(Phase.SWAPPING);
            Swap swap = new Swap(dataSource, settings, source, lanes, catchUp, context);
            String old = OldSchemas.nameFor(live, clock.instant());
            long swapStarted = System.nanoTime();
            Map<TopicPartition, Long> offsets = plan.liveExists() ? swap.withLive(old, limits)
                    : swap.withoutLive(limits);
            long swapMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - swapStarted);
            boolean dropped = plan.liveExists() && settings.dropOld() && swap.dropOld(old);
            counters.phase(Phase.DONE);
            RebuildResult result = new RebuildResult(live, plan.liveExists() && !dropped ? old : null, dropped,
                    counters.recordsRead(), counters.eventsApplied(), counters.duplicates(), deadLetters.count(),
                    offsets, replayMillis, swapMillis, snapshot.map(SnapshotChoice::describe).orElse(null), auditRecordsLost);
            logDone(result, counters, old);
            return result;
        }
    }

    /** The deferred indexes built, full statistics taken: the tables as the live sink and readers will use them. */
    private void finishTables(ShadowStatistics statistics, ShadowIndexes indexes, RebuildCounters counters)
            throws SQLException {
        long t0 = System.nanoTime();
        statistics.awaitBackground();
        indexes.buildAll();
        statistics.full(counters.recordsRead());
        log.info("{} indexes built and statistics taken in {} ms", context,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private void logDone(RebuildResult result, RebuildCounters counters, String old) {
        String oldTables = result.oldSchema() != null ? "old tables kept in " + old + " (agentlog rebuild --drop " + old
                + ")" : result.oldDropped() ? "old tables dropped" : "there were no old tables";
        log.info("{} done: {} records ({} events, {} duplicates, {} not applied) in {} ms ({} records/s; {} ms reading the"
                + " log, {} ms applying); the live sink waited {} ms at the swap; {}", context, result.recordsRead(),
                result.eventsApplied(), result.duplicates(), result.notApplied(), result.replayMillis(),
                Math.round(result.recordsPerSecond()), counters.readMillis(), counters.applyMillis(), result.swapMillis(),
                oldTables);
    }

    /** Memory for the unique keys of events while their indexes are deferred: an eighth of the heap, at most 256 MiB. */
    private static long maxMemoryForKeys() {
        return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
    }
}
