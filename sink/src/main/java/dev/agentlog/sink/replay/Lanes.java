package dev.agentlog.sink.replay;

import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.BatchResult;
import dev.agentlog.sink.DeadLetterSink;
import dev.agentlog.sink.SinkCore;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * The replay's lanes: one when --workers is 1 (the caller's source, every partition); otherwise each lane takes every
 * n-th partition, with a source and a {@link SinkCore} of its own (same group, same shadow schema, same
 * {@link ShadowTables}: like live sink workers that split the partitions). A {@link #round} applies one batch in every
 * lane, kept to one window of log time.
 *
 * <p>Threading: called by the rebuild's thread; with several lanes a round runs each lane's batch on a thread of the
 * lanes' own pool (a lane's source and core are used by one thread at a time). {@link #close} stops that pool and
 * closes the lanes' own sources, never the caller's.
 */
final class Lanes implements AutoCloseable {
    /**
     * Widest window of log time the lanes may spread over (order keys are milliseconds): two records of different
     * lanes less than this apart may be applied in either order, as they may by a live sink.
     */
    static final long MAX_WINDOW_MS = 1_000;

    private final List<Lane> lanes;
    private final ExecutorService workers;
    private final int batchMaxEvents;
    private final ShadowTables tables;
    private final ShadowIndexes indexes;
    private final RebuildCounters counters;
    private final ShadowStatistics statistics;
    /** Each partition's next offset in the shadow when the lanes opened: where the replay starts. */
    private final Map<TopicPartition, Long> start;
    /** The lanes' window of log time in ms; adapts (see {@link #round}). */
    private long window = 100;

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

    /** What every lane shares: where it writes, and what hears of its batches. */
    record Shared(DataSource dataSource, RebuildSettings settings, ShadowTables tables, ShadowIndexes indexes,
            DeadLetterSink deadLetters, MeterRegistry registry, RebuildCounters counters, ShadowStatistics statistics,
            EventCodec codec) {}

    /**
     * Opens the lanes over {@code partitions}, each positioned at the shadow's stored offsets.
     *
     * @param source the caller's: the one lane's, or the source each lane takes a {@link LogSource#subset} of
     */
    Lanes(LogSource source, Set<TopicPartition> partitions, Shared shared) {
        RebuildSettings settings = shared.settings();
        this.batchMaxEvents = settings.batchMaxEvents();
        this.tables = shared.tables();
        this.indexes = shared.indexes();
        this.counters = shared.counters();
        this.statistics = shared.statistics();
        int count = Math.max(1, Math.min(settings.workers(), partitions.size()));
        List<Set<TopicPartition>> shares = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            shares.add(new TreeSet<>(RebuildPlan.BY_PARTITION));
        }
        int i = 0;
        for (TopicPartition tp : partitions) {
            shares.get(i++ % count).add(tp);
        }
        SinkSettings laneSettings = new SinkSettings(settings.groupId(), settings.shadowSchema(), batchMaxEvents,
                SinkSettings.DEFAULT_BATCH_MAX_WAIT_MS, SinkSettings.DEFAULT_RETRY_MAX_ATTEMPTS,
                SinkSettings.DEFAULT_RETRY_BACKOFF_MS, SinkSettings.DEFAULT_RETRY_BACKOFF_MAX_MS);
        this.lanes = new ArrayList<>(count);
        this.start = new HashMap<>();
        try {
            for (Set<TopicPartition> share : shares) {
                LogSource laneSource = count == 1 ? source : source.subset(share);
                // one ShadowTables for all lanes: a key (a reused message_id, say) may be written by two lanes' streams
                SinkCore core = new SinkCore(shared.dataSource(), laneSettings, shared.deadLetters(), shared.registry(),
                        tables, count == 1, shared.codec());
                lanes.add(new Lane(share, laneSource, core, laneSource != source));
                Map<TopicPartition, Long> stored = core.assign(share);
                laneSource.seek(stored);
                start.putAll(stored);
            }
        } catch (RuntimeException e) {
            closeSources();
            throw e;
        }
        this.workers = count == 1 ? null : Executors.newFixedThreadPool(count, new LaneThreads());
    }

    int size() {
        return lanes.size();
    }

    /** Where each partition started (the shadow's stored offsets when the lanes opened). */
    Map<TopicPartition, Long> start() {
        return start;
    }

    /** True when every lane has applied every record below the limits. */
    boolean caughtUp(Map<TopicPartition, Long> limits) {
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
    void round(Map<TopicPartition, Long> limits) throws SQLException {
        if (lanes.size() == 1) {
            roundOfOne(lanes.get(0), limits);
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
                counters.reading(System.nanoTime() - t0);
                return; // this lane's next record is still on its way and may be the earliest: fetch again first
            }
        }
        counters.reading(System.nanoTime() - t0);
        if (earliest == Long.MAX_VALUE) {
            return; // caught up: the caller checks
        }
        long until = earliest + window;
        List<Future<LaneResult>> running = new ArrayList<>(lanes.size());
        for (Lane lane : lanes) {
            Map<TopicPartition, Long> laneLimits = lane.limits(limits);
            running.add(workers.submit(() -> {
                List<SinkRecord> batch = lane.source().next(laneLimits, batchMaxEvents, until);
                try {
                    return new LaneResult(lane, batch, lane.apply(batch), null);
                } catch (UniqueIndexNeeded needed) {
                    return new LaneResult(lane, batch, null, needed); // applied again once every lane is done
                }
            }));
        }
        long t1 = System.nanoTime();
        List<LaneResult> results = new ArrayList<>(running.size());
        for (Future<LaneResult> future : running) {
            results.add(join(future));
        }
        int taken = 0;
        boolean full = false;
        for (LaneResult result : results) {
            BatchResult applied = result.applied();
            if (result.needed() != null) {
                if (tables.uniqueKeysInMemory()) {
                    indexes.buildUniqueKeys(result.needed(), counters.recordsRead()); // no lane is in a transaction now
                }
                applied = result.lane().apply(result.batch());
            }
            int records = result.batch().size();
            count(records, applied);
            taken += records;
            full |= records >= batchMaxEvents;
        }
        counters.applying(System.nanoTime() - t1);
        if (full) {
            window = Math.max(1, window / 2);
        } else if (taken < lanes.size() * batchMaxEvents / 4) {
            window = Math.min(MAX_WINDOW_MS, window * 2);
        }
    }

    /** One lane: its next batch in the merged log order, no window. */
    private void roundOfOne(Lane lane, Map<TopicPartition, Long> limits) throws SQLException {
        long t0 = System.nanoTime();
        List<SinkRecord> batch = lane.source().next(lane.limits(limits), batchMaxEvents);
        long t1 = System.nanoTime();
        counters.reading(t1 - t0);
        BatchResult result;
        try {
            result = lane.apply(batch);
        } catch (UniqueIndexNeeded needed) {
            indexes.buildUniqueKeys(needed, counters.recordsRead());
            result = lane.apply(batch);
        }
        counters.applying(System.nanoTime() - t1);
        count(batch.size(), result);
    }

    private void count(int records, BatchResult result) {
        counters.count(records, result);
        statistics.grown(counters.recordsRead());
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

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
        closeSources();
    }

    private void closeSources() {
        for (Lane lane : lanes) {
            if (lane.ownsSource()) {
                lane.source().close();
            }
        }
    }

    /** Daemon threads named after the rebuild's lanes. */
    private static final class LaneThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "agentlog-rebuild-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
