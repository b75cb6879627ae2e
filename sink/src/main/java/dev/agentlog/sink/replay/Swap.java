package dev.agentlog.sink.replay;

import dev.agentlog.sink.SqlFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a rebuild: the shadow schema becomes the live one ({@link SchemaSwap} is its SQL). With a live schema, in
 * one transaction: lock the live {@code sink_offsets} (the live sink's batch in flight finishes, its next one waits),
 * read the live offsets, apply the records up to exactly those into the shadow, write them as the shadow's offsets,
 * check that both {@code events} tables hold as many events, rename live to old and the shadow to live, commit. On a
 * lock timeout (the live sink's transaction took longer than --lock-timeout-ms) it catches up again without the lock
 * and tries again, up to --swap-attempts times. Without one, the shadow is renamed. Used by the rebuild's thread.
 */
final class Swap {
    private static final Logger log = LoggerFactory.getLogger(Swap.class);
    /** Longest the swap holds the live sink's offsets while it applies the last records. */
    private static final long MAX_LOCK_HOLD_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** SQLSTATE of lock_timeout (and of a swap that gave its lock up). */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource dataSource;
    private final RebuildSettings settings;
    private final LogSource source;
    private final Lanes lanes;
    private final CatchUp catchUp;
    private final String context;

    Swap(DataSource dataSource, RebuildSettings settings, LogSource source, Lanes lanes, CatchUp catchUp,
            String context) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.source = source;
        this.lanes = lanes;
        this.catchUp = catchUp;
        this.context = context;
    }

    /** Swaps the shadow with the live schema, which becomes {@code old}; returns the offsets the shadow was given. */
    Map<TopicPartition, Long> withLive(String old, Map<TopicPartition, Long> limits) throws SQLException {
        String live = settings.liveSchema();
        // rows only a non-sink writer can add; counted before the lock, which should be held as briefly as can be
        long withoutPosition = source instanceof TableLogSource table ? table.rowsWithoutPosition() : 0;
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    return once(c, old, withoutPosition);
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
                                + settings.shadowSchema() + " is kept, run again with --resume", e);
                    }
                    log.warn("{} swap attempt {} of {} gave up ({}); catching up and trying again", context, attempt,
                            settings.swapAttempts(), e.getMessage());
                }
            }
            limits = catchUp.run(limits);
        }
    }

    private Map<TopicPartition, Long> once(Connection c, String old, long skipped) throws SQLException {
        String live = settings.liveSchema();
        String shadow = settings.shadowSchema();
        long lockedAt = System.nanoTime();
        SchemaSwap.lockOffsets(c, live, settings.lockTimeoutMs());
        Map<TopicPartition, Long> target = SchemaSwap.offsets(c, live, settings.groupId(), source.topic());
        while (!lanes.caughtUp(target)) {
            if (System.nanoTime() - lockedAt > MAX_LOCK_HOLD_NANOS) {
                throw new SQLException("held the live offsets for " + TimeUnit.NANOSECONDS.toSeconds(MAX_LOCK_HOLD_NANOS)
                        + " s without reaching them in the log", LOCK_NOT_AVAILABLE);
            }
            lanes.round(target);
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
        SchemaSwap.carryOver(c, live, shadow, "subject_keys");
        SchemaSwap.carryOver(c, live, shadow, "snapshots"); // kept, not derived: the shadow's were left empty
        SchemaSwap.carryOver(c, live, shadow, "snapshot_streams");
        SchemaSwap.carryOver(c, live, shadow, "log_start");
        SchemaSwap.rename(c, live, old);
        SchemaSwap.rename(c, shadow, live);
        c.commit();
        log.info("{} swapped: {} is now {}, the rebuilt {} is now {} (live sink held {} ms)", context, live, old,
                shadow, live, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lockedAt));
        return target;
    }

    /** No live schema: the shadow becomes it; returns the limits it was replayed to. */
    Map<TopicPartition, Long> withoutLive(Map<TopicPartition, Long> limits) throws SQLException {
        String live = settings.liveSchema();
        String shadow = settings.shadowSchema();
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

    /** Drops the old schema; a failure (a reader still holds its tables) keeps it and says how to drop it later. */
    boolean dropOld(String old) {
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
}
