package dev.agentlog.sink.replay;

import dev.agentlog.sink.BatchResult;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkCore;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.SqlFailures;
import dev.agentlog.sink.internal.EventsUniqueness;
import dev.agentlog.sink.internal.InMemoryEventKeys;
import dev.agentlog.sink.jdbc.Sql;
import dev.agentlog.sink.internal.UniqueIndexNeeded;
import dev.agentlog.sink.internal.WrittenKeys;
import dev.agentlog.sink.replay.RebuildProgress.Phase;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Speed: the replay runs in {@link RebuildSettings#workers()} lanes (each a share of the partitions, its own
 * source and {@link SinkCore}), kept to one window of log time (see {@link #round}); the secondary indexes that
 * enforce nothing are built once at the end ({@link DeferredIndexes}); the shadow tables are analyzed as they grow.
 *
 * <p>Threading: {@link #run()} runs on the caller's thread and, with several lanes, on one thread per lane (a
 * lane's source and writer are used by one thread at a time); the caller's source is the caller's to close, the
 * lanes' own sources are closed by {@link #run()}. One run per instance.
 */
public final class Rebuild {
    private static final Logger log = LoggerFactory.getLogger(Rebuild.class);
    /** How often the replay reads where the live sink is. */
    private static final long LIVE_OFFSETS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Longest the swap holds the live sink's offsets while it applies the last records. */
    private static final long MAX_LOCK_HOLD_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Records replayed before the shadow tables are first analyzed; then whenever ten times as many. */
    private static final long FIRST_ANALYZE_AT = 5_000;
    /** Rows ANALYZE samples per table during the replay (PostgreSQL's default is 100, i.e. 30,000 rows). */
    private static final int REPLAY_STATISTICS_TARGET = 10;
    private static final Comparator<TopicPartition> BY_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);
    /**
     * Widest window of log time the lanes may spread over (order keys are milliseconds): two records of different
     * lanes less than this apart may be applied in either order, as they may by a live sink.
     */
    public static final long MAX_WINDOW_MS = 1_000;
    /** SQLSTATE of lock_timeout (and of a swap that gave its lock up). */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource dataSource;
    private DataSource migrations;
    private final RebuildSettings settings;
    private final LogSource source;
    private final RebuildListener listener;
    private final MeterRegistry registry;
    private final Clock clock;
    private final String context;

    private final List<Lane> lanes = new ArrayList<>();
    private ExecutorService workers;
    /** The lanes' window of log time in ms; adapts (see {@link #round}). */
    private long window = 100;
    private CountingDeadLetters deadLetters;
    private long started;
    private Phase phase = Phase.PREPARING;
    private long recordsRead;
    private long eventsApplied;
    private long duplicates;
    private long estimate;
    /** Which keys the shadow may hold: all when resuming, else only those this rebuild wrote (see openLanes). */
    private WrittenKeys written = WrittenKeys.ANY;
    /** Who keeps the unique keys of the shadow's events: memory while their indexes are deferred (see openLanes). */
    private EventsUniqueness uniqueness = EventsUniqueness.BY_INDEXES;
    private boolean resumed;
    /** Where the replay's time goes: waiting for records, applying them. */
    private long readNanos;
    private long applyNanos;
    private long nextAnalyzeAt = FIRST_ANALYZE_AT;
    /** The statistics taken during the replay, in the background; null before the first. */
    private CompletableFuture<Void> analyzing;
    private ExecutorService analyzerThread;

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
        try {
            return rebuild();
        } finally {
            closeLanes();
        }
    }

    private RebuildResult rebuild() throws SQLException {
        String live = settings.liveSchema();
        String shadow = settings.shadowSchema();
        started = System.nanoTime();
        report(Phase.PREPARING);
        boolean liveExists = prepare(live, shadow);
        SchemaMigrator.migrate(migrations != null ? migrations : dataSource, shadow);
        deadLetters = new CountingDeadLetters(context);
        Map<TopicPartition, Long> limits = liveExists ? liveOffsets() : source.endOffsets();
        Set<TopicPartition> partitions = new TreeSet<>(BY_PARTITION);
        partitions.addAll(source.partitions());
        partitions.addAll(limits.keySet());
        if (!resumed) {
            // the shadow starts empty and only this rebuild writes it: about two rows per record at most
            long records = limits.values().stream().mapToLong(Long::longValue).sum();
            written = WrittenKeys.startingEmpty(3 * Math.max(records, 1_000_000L));
            uniqueness = InMemoryEventKeys.forRecords(records, maxMemoryForKeys());
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            int deferred = DeferredIndexes.defer(c, shadow, !uniqueness.indexed());
            log.debug("{} {} indexes of {} deferred to the end of the replay{}", context, deferred, shadow,
                    uniqueness.indexed() ? "" : ", the unique keys of events kept in memory meanwhile");
        }
        if (resumed) {
            // an interrupted rebuild may have deferred them; a resumed one looks every key up, in them
            DeferredIndexes.restoreUniqueKeys(dataSource, shadow);
        }
        Map<TopicPartition, Long> start = openLanes(shadow, partitions);
        estimate = source.estimate(start, limits);
        log.info("{} replaying {} from {} into {} in {} lane(s) ({} records to go{}), group {}", context, source.topic(),
                new TreeSet<>(start.entrySet().stream().map(e -> e.getKey().partition() + "@" + e.getValue()).toList()),
                shadow, lanes.size(), estimate, liveExists ? ", up to the live sink's offsets" : ", to the log's end",
                settings.groupId());
        report(Phase.REPLAYING);
        limits = replay(limits, liveExists);
        finishTables(shadow);
        limits = replay(limits, liveExists); // what the live sink applied meanwhile
        long replayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        report(Phase.SWAPPING);
        String old = OldSchemas.nameFor(live, clock.instant());
        long swapStarted = System.nanoTime();
        Map<TopicPartition, Long> offsets = liveExists ? swap(live, shadow, old, limits) : rename(live, shadow, limits);
        long swapMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - swapStarted);
        boolean dropped = liveExists && settings.dropOld() && dropOld(old);
        report(Phase.DONE);
        RebuildResult result = new RebuildResult(live, liveExists && !dropped ? old : null, dropped, recordsRead,
                eventsApplied, duplicates, deadLetters.count(), offsets, replayMillis, swapMillis);
        String oldTables = result.oldSchema() != null ? "old tables kept in " + old + " (agentlog rebuild --drop " + old
                + ")" : dropped ? "old tables dropped" : "there were no old tables";
        log.info("{} done: {} records ({} events, {} duplicates, {} not applied) in {} ms ({} records/s; {} ms reading the"
                + " log, {} ms applying); the live sink waited {} ms at the swap; {}", context, recordsRead, eventsApplied,
                duplicates, deadLetters.count(), replayMillis, Math.round(result.recordsPerSecond()),
                TimeUnit.NANOSECONDS.toMillis(readNanos), TimeUnit.NANOSECONDS.toMillis(applyNanos), swapMillis,
                oldTables);
        return result;
    }

    /** Drops the old schema; a failure (a reader still holds its tables) keeps it and says how to drop it later. */
    private boolean dropOld(String old) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = " + settings.lockTimeoutMs());
            }
            SchemaSwap.drop(c, old);
            c.commit();
            return true;
        } catch (SQLException e) {
            log.warn("{} the swap is done, but the old schema {} could not be dropped ({}); drop it later with"
                    + " `agentlog rebuild --drop {}`", context, old, e.getMessage(), old);
            return false;
        }
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
                    resumed = true;
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
            if (caughtUp(limits)) {
                if (!liveExists) {
                    return limits;
                }
                Map<TopicPartition, Long> fresh = liveOffsets();
                limitsRead = System.nanoTime();
                if (caughtUp(fresh)) {
                    return fresh;
                }
                limits = grow(limits, fresh);
                continue;
            }
            round(limits);
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
        // rows only a non-sink writer can add; counted before the lock, which should be held as briefly as can be
        long withoutPosition = source instanceof TableLogSource table ? table.rowsWithoutPosition() : 0;
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    return swapOnce(c, live, shadow, old, withoutPosition);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    boolean lockTrouble = e instanceof SQLException sql
                            && LOCK_NOT_AVAILABLE.equals(SqlFailures.sqlState(sql));
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

    private Map<TopicPartition, Long> swapOnce(Connection c, String live, String shadow, String old,
            long skipped) throws SQLException {
        long lockedAt = System.nanoTime();
        SchemaSwap.lockOffsets(c, live, settings.lockTimeoutMs());
        Map<TopicPartition, Long> target = SchemaSwap.offsets(c, live, settings.groupId(), source.topic());
        while (!caughtUp(target)) {
            if (System.nanoTime() - lockedAt > MAX_LOCK_HOLD_NANOS) {
                throw new SQLException("held the live offsets for " + TimeUnit.NANOSECONDS.toSeconds(MAX_LOCK_HOLD_NANOS)
                        + " s without reaching them in the log", LOCK_NOT_AVAILABLE);
            }
            round(target);
        }
        SchemaSwap.setOffsets(c, shadow, settings.groupId(), target);
        long liveEvents = SchemaSwap.count(c, live, "events");
        long shadowEvents = SchemaSwap.count(c, shadow, "events");
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

    /** The deferred indexes built, full statistics taken: the tables as the live sink and readers will use them. */
    private void finishTables(String shadow) throws SQLException {
        long t0 = System.nanoTime();
        if (analyzing != null) {
            analyzing.join(); // its lock would hold the builds up anyway
        }
        // two builds at a time: one per core of a small machine, and within a pool of workers + 2 connections
        DeferredIndexes.restore(dataSource, shadow, 2);
        if (uniqueness instanceof InMemoryEventKeys keys) {
            keys.indexesBuilt();
        }
        analyze(shadow, 0);
        log.info("{} indexes built and statistics taken in {} ms", context,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * Statistics for the shadow tables, which grow from empty within minutes, faster than autovacuum analyzes
     * them: without them PostgreSQL keeps the plans it made for empty tables (server-side prepared statements
     * keep their generic plan) and the batch path's DELETE by key scans the whole table, a cost that grows with
     * the table. ANALYZE also makes every session plan those statements again. During the replay a small sample
     * is enough to tell an empty table from a big one.
     *
     * @param statisticsTarget the sample size (0: the server's default)
     */
    private void analyze(String schema, int statisticsTarget) {
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            if (statisticsTarget > 0) {
                s.execute("SET LOCAL default_statistics_target = " + statisticsTarget);
            }
            StringBuilder tables = new StringBuilder();
            for (String table : ANALYZED_TABLES) {
                tables.append(tables.length() == 0 ? "" : ", ").append(Sql.table(schema, table));
            }
            s.execute("ANALYZE " + tables);
            c.commit();
        } catch (SQLException e) {
            log.warn("{} ANALYZE of {} failed, going on without fresh statistics: {}", context, schema, e.getMessage());
        }
        log.debug("{} analyzed {} after {} records in {} ms", context, schema, recordsRead,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static final List<String> ANALYZED_TABLES = List.of("events", "agents", "messages", "agent_context", "blocks",
            "block_versions", "agent_blocks", "archives", "agent_archives", "passages", "source_rows", "conversations", "conversation_messages",
            "conversation_blocks", "agent_files", "agent_links", "sink_offsets");

    /**
     * The lanes: one when --workers is 1 (the caller's source, every partition); otherwise each lane takes every
     * n-th partition, with a source and a {@link SinkCore} of its own (same group, same shadow schema: like live
     * sink workers that split the partitions). Returns where each partition starts (the shadow's stored offsets).
     */
    private Map<TopicPartition, Long> openLanes(String shadow, Set<TopicPartition> partitions) {
        int count = Math.max(1, Math.min(settings.workers(), partitions.size()));
        List<Set<TopicPartition>> shares = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            shares.add(new TreeSet<>(BY_PARTITION));
        }
        int i = 0;
        for (TopicPartition tp : partitions) {
            shares.get(i++ % count).add(tp);
        }
        Map<TopicPartition, Long> start = new HashMap<>();
        for (Set<TopicPartition> share : shares) {
            LogSource laneSource = count == 1 ? source : source.subset(share);
            // one filter for all lanes: a key (a reused message_id, say) may be written by two lanes' streams
            SinkCore core = SinkCore.forTablesStartingEmpty(dataSource, new SinkSettings(settings.groupId(), shadow,
                    settings.batchMaxEvents(), SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS,
                    SinkSettings.DEFAULT_RETRY_MAX_ATTEMPTS, SinkSettings.DEFAULT_RETRY_BACKOFF_MS,
                    SinkSettings.DEFAULT_RETRY_BACKOFF_MAX_MS), deadLetters, registry, written, uniqueness, count == 1);
            Lane lane = new Lane(share, laneSource, core, laneSource != source);
            lanes.add(lane);
            Map<TopicPartition, Long> stored = core.assign(share);
            laneSource.seek(stored);
            start.putAll(stored);
        }
        if (count > 1) {
            AtomicInteger thread = new AtomicInteger();
            workers = Executors.newFixedThreadPool(count, r -> {
                Thread t = new Thread(r, "agentlog-rebuild-" + thread.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return start;
    }

    private boolean caughtUp(Map<TopicPartition, Long> limits) {
        for (Lane lane : lanes) {
            if (!lane.source().caughtUp(lane.limits(limits))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every lane applies one batch. With several lanes, all keep to one window of log time, [the earliest next
     * record, + window]: a lane never runs ahead of the others by more than that, so the order across partitions
     * (which the cascades that cross streams depend on) stays that of the log up to one window. The window
     * halves when a lane fills its batch and doubles, up to {@value #MAX_WINDOW_MS} ms, when the lanes take little;
     * a stretch of log time without records costs nothing (the next window starts at the next record).
     */
    private void round(Map<TopicPartition, Long> limits) throws SQLException {
        if (lanes.size() == 1) {
            Lane lane = lanes.get(0);
            long t0 = System.nanoTime();
            List<SinkRecord> batch = lane.source().next(lane.limits(limits), settings.batchMaxEvents());
            long t1 = System.nanoTime();
            readNanos += t1 - t0;
            BatchResult result;
            try {
                result = lane.apply(batch);
            } catch (UniqueIndexNeeded needed) {
                buildUniqueKeys(needed);
                result = lane.apply(batch);
            }
            applyNanos += System.nanoTime() - t1;
            count(batch.size(), result);
            return;
        }
        long t0 = System.nanoTime();
        long earliest = Long.MAX_VALUE;
        for (Lane lane : lanes) {
            Map<TopicPartition, Long> laneLimits = lane.limits(limits);
            OptionalLong key = lane.source().nextOrderKey(laneLimits);
            if (key.isPresent()) {
                earliest = Math.min(earliest, key.getAsLong());
            } else if (!lane.source().caughtUp(laneLimits)) {
                readNanos += System.nanoTime() - t0;
                return; // this lane's next record is still on its way and may be the earliest: fetch again first
            }
        }
        readNanos += System.nanoTime() - t0;
        if (earliest == Long.MAX_VALUE) {
            return; // caught up: the caller checks
        }
        long until = earliest + window;
        List<Future<LaneResult>> running = new ArrayList<>(lanes.size());
        for (Lane lane : lanes) {
            Map<TopicPartition, Long> laneLimits = lane.limits(limits);
            running.add(workers.submit(() -> {
                List<SinkRecord> batch = lane.source().next(laneLimits, settings.batchMaxEvents(), until);
                try {
                    return new LaneResult(lane, batch, lane.apply(batch), null);
                } catch (UniqueIndexNeeded needed) {
                    return new LaneResult(lane, batch, null, needed); // applied again once every lane is done
                }
            }));
        }
        long t1 = System.nanoTime();
        int taken = 0;
        boolean full = false;
        List<LaneResult> results = new ArrayList<>(running.size());
        for (Future<LaneResult> future : running) {
            results.add(join(future));
        }
        for (LaneResult result : results) {
            BatchResult applied = result.applied();
            if (result.needed() != null) {
                if (!uniqueness.indexed()) {
                    buildUniqueKeys(result.needed()); // no lane is in a transaction now
                }
                applied = result.lane().apply(result.batch());
            }
            int records = result.batch().size();
            count(records, applied);
            taken += records;
            full |= records >= settings.batchMaxEvents();
        }
        applyNanos += System.nanoTime() - t1;
        if (full) {
            window = Math.max(1, window / 2);
        } else if (taken < lanes.size() * settings.batchMaxEvents() / 4) {
            window = Math.min(MAX_WINDOW_MS, window * 2);
        }
    }

    private static LaneResult join(Future<LaneResult> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the rebuild's lanes were applying", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void count(int records, BatchResult result) {
        if (result == null) {
            return;
        }
        recordsRead += records;
        eventsApplied += result.applied();
        duplicates += result.duplicates();
        if (recordsRead >= nextAnalyzeAt && (analyzing == null || analyzing.isDone())) {
            nextAnalyzeAt = recordsRead * 10;
            // beside the lanes: on a large table it takes seconds, during which they would wait
            analyzing = CompletableFuture.runAsync(() -> analyze(settings.shadowSchema(), REPLAY_STATISTICS_TARGET),
                    analyzer());
        }
        report(phase);
    }

    private ExecutorService analyzer() {
        if (analyzerThread == null) {
            analyzerThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "agentlog-rebuild-analyze");
                t.setDaemon(true);
                return t;
            });
        }
        return analyzerThread;
    }

    private void closeLanes() {
        if (analyzerThread != null) {
            analyzerThread.shutdownNow();
        }
        if (workers != null) {
            workers.shutdownNow();
        }
        for (Lane lane : lanes) {
            if (lane.ownsSource()) {
                lane.source().close();
            }
        }
    }

    /** One share of the partitions with its source and its writer; used by one thread at a time. */
    private record Lane(Set<TopicPartition> partitions, LogSource source, SinkCore core, boolean ownsSource) {
        Map<TopicPartition, Long> limits(Map<TopicPartition, Long> all) {
            Map<TopicPartition, Long> own = new HashMap<>();
            for (TopicPartition tp : partitions) {
                Long limit = all.get(tp);
                if (limit != null) {
                    own.put(tp, limit);
                }
            }
            return own;
        }

        /** Applies the batch to the shadow schema; null when it was empty. */
        BatchResult apply(List<SinkRecord> batch) {
            if (batch.isEmpty()) {
                return null;
            }
            BatchResult result = core.process(batch);
            if (!result.seek().isEmpty()) {
                throw new IllegalStateException("another writer moved the offsets of the shadow schema ("
                        + result.seek() + "): is a second rebuild running? Stop both and run one again");
            }
            return result;
        }
    }

    /** A lane's batch of one round, and what applying it did, or why it must be applied again. */
    private record LaneResult(Lane lane, List<SinkRecord> batch, BatchResult applied, UniqueIndexNeeded needed) {}

    /** Builds the deferred unique keys of the shadow's events, which decide from now on. */
    private void buildUniqueKeys(UniqueIndexNeeded needed) throws SQLException {
        if (!(uniqueness instanceof InMemoryEventKeys keys) || keys.indexed()) {
            throw new IllegalStateException(context + " a batch needs the unique indexes of events, which exist", needed);
        }
        long t0 = System.nanoTime();
        DeferredIndexes.restoreUniqueKeys(dataSource, settings.shadowSchema());
        keys.indexesBuilt();
        log.info("{} built the unique keys of {}.events after {} records ({}), in {} ms; the replay goes on through them",
                context, settings.shadowSchema(), recordsRead, needed.getMessage(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Memory for the unique keys of events while their indexes are deferred: an eighth of the heap, at most 256 MiB. */
    private static long maxMemoryForKeys() {
        return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    private void report(Phase now) {
        phase = now;
        listener.progress(new RebuildProgress(phase, recordsRead, Math.max(estimate, recordsRead), eventsApplied,
                System.nanoTime() - started));
    }
}
