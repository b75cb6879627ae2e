package dev.agentlog.sink.replay;

import dev.agentlog.sink.BatchResult;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkCore;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.SqlFailures;
import dev.agentlog.sink.replay.RebuildProgress.Phase;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * shadow renamed to live. Threading: {@link #run()} runs on the caller's thread; the source is the caller's to close.
 */
public final class Rebuild {
    private static final Logger log = LoggerFactory.getLogger(Rebuild.class);
    /** How often the replay reads where the live sink is. */
    private static final long LIVE_OFFSETS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Longest the swap holds the live sink's offsets while it applies the last records. */
    private static final long MAX_LOCK_HOLD_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** SQLSTATE of lock_timeout (and of a swap that gave its lock up). */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource dataSource;
    private final RebuildSettings settings;
    private final LogSource source;
    private final RebuildListener listener;
    private final MeterRegistry registry;
    private final Clock clock;
    private final String context;

    private SinkCore core;
    private CountingDeadLetters deadLetters;
    private long started;
    private Phase phase = Phase.PREPARING;
    private long recordsRead;
    private long eventsApplied;
    private long duplicates;
    private long estimate;

    /**
     * @param source where the log is read from; positioned by the rebuild
     * @param registry gets the shadow writer's {@code agentlog.sink.*} meters (pass a separate registry to keep
     *     them apart from a live sink's in the same process)
     */
    public Rebuild(DataSource dataSource, RebuildSettings settings, LogSource source, RebuildListener listener,
            MeterRegistry registry) {
        this(dataSource, settings, source, listener, registry, Clock.systemUTC());
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
        started = System.nanoTime();
        report(Phase.PREPARING);
        boolean liveExists = prepare(live, shadow);
        SchemaMigrator.migrate(dataSource, shadow);
        deadLetters = new CountingDeadLetters(context);
        core = new SinkCore(dataSource, new SinkSettings(settings.groupId(), shadow, settings.batchMaxEvents(),
                SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS, SinkSettings.DEFAULT_RETRY_MAX_ATTEMPTS,
                SinkSettings.DEFAULT_RETRY_BACKOFF_MS, SinkSettings.DEFAULT_RETRY_BACKOFF_MAX_MS), deadLetters, registry);

        Map<TopicPartition, Long> limits = liveExists ? liveOffsets() : source.endOffsets();
        Set<TopicPartition> partitions = new LinkedHashSet<>(source.partitions());
        partitions.addAll(limits.keySet());
        Map<TopicPartition, Long> start = core.assign(partitions);
        source.seek(start);
        estimate = source.estimate(start, limits);
        log.info("{} replaying {} from {} into {} ({} records to go{}), group {}", context, source.topic(),
                new TreeSet<>(start.entrySet().stream().map(e -> e.getKey().partition() + "@" + e.getValue()).toList()),
                shadow, estimate, liveExists ? ", up to the live sink's offsets" : ", to the log's end",
                settings.groupId());
        report(Phase.REPLAYING);
        limits = replay(limits, liveExists);
        long replayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        report(Phase.SWAPPING);
        String old = OldSchemas.nameFor(live, clock.instant());
        long swapStarted = System.nanoTime();
        Map<TopicPartition, Long> offsets = liveExists ? swap(live, shadow, old, limits) : rename(live, shadow, limits);
        long swapMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - swapStarted);
        boolean dropped = false;
        if (liveExists && settings.dropOld()) {
            try (Connection c = dataSource.getConnection()) {
                SchemaSwap.drop(c, old);
            }
            dropped = true;
        }
        report(Phase.DONE);
        RebuildResult result = new RebuildResult(live, liveExists && !dropped ? old : null, dropped, recordsRead,
                eventsApplied, duplicates, deadLetters.count(), offsets, replayMillis, swapMillis);
        log.info("{} done: {} records ({} events, {} duplicates, {} not applied) in {} ms ({} records/s); the live sink"
                + " waited {} ms at the swap; {}", context, recordsRead, eventsApplied, duplicates, deadLetters.count(),
                replayMillis, Math.round(result.recordsPerSecond()), swapMillis, result.oldSchema() != null
                        ? "old tables kept in " + old + " (agentlog rebuild --drop " + old + ")"
                        : dropped ? "old tables dropped" : "there were no old tables");
        return result;
    }

    /** Checks the live schema and clears the shadow; true when there is a live schema to swap with. */
    private boolean prepare(String live, String shadow) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            boolean liveExists = SchemaSwap.exists(c, live);
            if (liveExists && !SchemaSwap.hasTable(c, live, "sink_offsets")) {
                throw new IllegalStateException(context + " schema " + live + " exists but has no sink_offsets table:"
                        + " it is not an agentlog schema (check --pg-schema)");
            }
            if (liveExists && SchemaSwap.offsets(c, live, settings.groupId(), source.topic()).isEmpty()
                    && SchemaSwap.count(c, live, "events") > 0) {
                throw new IllegalStateException(context + " schema " + live + " holds events but no offsets of consumer"
                        + " group " + settings.groupId() + " for topic " + source.topic() + " (groups there: "
                        + SchemaSwap.groups(c, live) + "): pass the live sink's --group-id (and --topic-prefix)");
            }
            if (SchemaSwap.exists(c, shadow)) {
                if (settings.resume()) {
                    log.info("{} resuming in the shadow schema {} left by an earlier rebuild", context, shadow);
                } else {
                    log.info("{} dropping the shadow schema {} left by an earlier rebuild (--resume keeps it)", context,
                            shadow);
                    SchemaSwap.drop(c, shadow);
                }
            }
            return liveExists;
        }
    }

    /** Replays until the shadow is where the live sink is (or at the log's end); returns the last limits. */
    private Map<TopicPartition, Long> replay(Map<TopicPartition, Long> limits, boolean liveExists)
            throws SQLException {
        long limitsRead = System.nanoTime();
        while (true) {
            if (source.caughtUp(limits)) {
                if (!liveExists) {
                    return limits;
                }
                Map<TopicPartition, Long> fresh = liveOffsets();
                limitsRead = System.nanoTime();
                if (source.caughtUp(fresh)) {
                    return fresh;
                }
                limits = grow(limits, fresh);
                continue;
            }
            apply(source.next(limits, settings.batchMaxEvents()));
            if (liveExists && System.nanoTime() - limitsRead > LIVE_OFFSETS_EVERY_NANOS) {
                limits = grow(limits, liveOffsets());
                limitsRead = System.nanoTime();
            }
        }
    }

    private Map<TopicPartition, Long> grow(Map<TopicPartition, Long> limits, Map<TopicPartition, Long> fresh) {
        for (Map.Entry<TopicPartition, Long> limit : fresh.entrySet()) {
            estimate += Math.max(0, limit.getValue() - limits.getOrDefault(limit.getKey(), 0L));
        }
        return fresh;
    }

    /**
     * The swap; on a lock timeout (the live sink's transaction took longer than --lock-timeout-ms) it catches up
     * again without the lock and tries again, up to --swap-attempts times.
     */
    private Map<TopicPartition, Long> swap(String live, String shadow, String old, Map<TopicPartition, Long> limits)
            throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    return swapOnce(c, live, shadow, old);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    boolean lockTrouble = e instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(SqlFailures.sqlState(sql));
                    if (!lockTrouble) {
                        throw e;
                    }
                    if (attempt >= settings.swapAttempts()) {
                        throw new IllegalStateException(context + " could not lock " + live + ".sink_offsets in "
                                + settings.swapAttempts() + " attempts of " + settings.lockTimeoutMs() + " ms (the live"
                                + " sink's transactions take longer?): raise --lock-timeout-ms; the shadow schema "
                                + shadow + " is kept, run again with --resume", e);
                    }
                    log.warn("{} swap attempt {} of {} gave up ({}); catching up and trying again", context, attempt,
                            settings.swapAttempts(), e.getMessage());
                }
            }
            limits = replay(limits, true);
        }
    }

    private Map<TopicPartition, Long> swapOnce(Connection c, String live, String shadow, String old)
            throws SQLException {
        long lockedAt = System.nanoTime();
        SchemaSwap.lockOffsets(c, live, settings.lockTimeoutMs());
        Map<TopicPartition, Long> target = SchemaSwap.offsets(c, live, settings.groupId(), source.topic());
        while (!source.caughtUp(target)) {
            if (System.nanoTime() - lockedAt > MAX_LOCK_HOLD_NANOS) {
                throw new SQLException("held the live offsets for " + TimeUnit.NANOSECONDS.toSeconds(MAX_LOCK_HOLD_NANOS)
                        + " s without reaching them in the log", LOCK_NOT_AVAILABLE);
            }
            apply(source.next(target, settings.batchMaxEvents()));
        }
        SchemaSwap.setOffsets(c, shadow, settings.groupId(), target);
        long liveEvents = SchemaSwap.count(c, live, "events");
        long shadowEvents = SchemaSwap.count(c, shadow, "events");
        long skipped = source instanceof TableLogSource table ? table.skippedWithoutPosition() : 0;
        if (shadowEvents + skipped != liveEvents) {
            throw new IllegalStateException(context + " not swapped: at offsets " + target + " the live schema " + live
                    + " holds " + liveEvents + " events but the rebuilt " + shadow + " holds " + shadowEvents
                    + (skipped > 0 ? " (+" + skipped + " without a Kafka position)" : "") + ". Nothing was changed;"
                    + " run `agentlog verify` on both schemas to see which events differ");
        }
        SchemaSwap.rename(c, live, old);
        SchemaSwap.rename(c, shadow, live);
        c.commit();
        log.info("{} swapped: {} is now {}, the rebuilt {} is now {} (live sink held {} ms)", context, live, old,
                shadow, live, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lockedAt));
        return target;
    }

    /** No live schema: the shadow becomes it. */
    private Map<TopicPartition, Long> rename(String live, String shadow, Map<TopicPartition, Long> limits)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (SchemaSwap.exists(c, live)) {
                c.rollback();
                throw new IllegalStateException(context + " schema " + live + " appeared during the rebuild (a sink was"
                        + " started?): run the rebuild again with --resume");
            }
            SchemaSwap.rename(c, shadow, live);
            c.commit();
        }
        log.info("{} the rebuilt {} is now {}", context, shadow, live);
        return limits;
    }

    private Map<TopicPartition, Long> liveOffsets() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return new HashMap<>(SchemaSwap.offsets(c, settings.liveSchema(), settings.groupId(), source.topic()));
        }
    }

    private void apply(List<SinkRecord> batch) {
        if (batch.isEmpty()) {
            return;
        }
        BatchResult result = core.process(batch);
        if (!result.seek().isEmpty()) {
            throw new IllegalStateException(context + " another writer moved the offsets of " + settings.shadowSchema()
                    + " (" + result.seek() + "): is a second rebuild running? Stop both and run one again");
        }
        recordsRead += batch.size();
        eventsApplied += result.applied();
        duplicates += result.duplicates();
        report(phase);
    }

    private void report(Phase now) {
        phase = now;
        listener.progress(new RebuildProgress(phase, recordsRead, Math.max(estimate, recordsRead), eventsApplied,
                System.nanoTime() - started));
    }
}
