package dev.agentlog.sink.internal;

import dev.agentlog.events.Event;
import dev.agentlog.sink.fold.BatchOverlay;
import dev.agentlog.sink.fold.ProjectionFold;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies a slice of the log in ONE transaction: moves the stored offsets (conditionally: see
 * {@link OffsetStore}; this also takes the partitions' offset row locks, which every later statement
 * relies on), inserts the events into {@code events}, folds the new ones (first occurrence of each
 * event_id, log order) into a {@link BatchOverlay} over the rows they read, and writes each table with
 * set-based statements (DELETE ... = ANY, binary COPY). Either all of it commits or none of it. One attempt, no retry: see
 * {@code SinkCore}. Thread-safe when each call uses its own connection (it does).
 */
public final class BatchApplier {
    /**
     * Rows per multi-row statement of the conservative path; measured here, PostgreSQL CPU per row: 64 and 256
     * about the same, 1000 about 15% more.
     */
    public static final int DEFAULT_ROWS_PER_STATEMENT = 256;

    private final DataSource dataSource;
    private final OffsetStore offsets;
    private final EventsTable events;
    private final ProjectionWriter projections;
    private final SinkMetrics metrics;
    private final TargetTables target;

    /** What one attempt did. */
    public sealed interface Outcome permits Applied, Fenced {}

    /**
     * Committed.
     *
     * @param nextOffsets the stored next offset of each partition of the slice
     */
    public record Applied(Map<TopicPartition, Long> nextOffsets, int newEvents, int duplicates) implements Outcome {}

    /** Rolled back: the stored offset of {@code partition} was not {@code expected}. */
    public record Fenced(TopicPartition partition, long expected, long attemptedNext) implements Outcome {}

    /**
     * @param rowsPerStatement rows per multi-row statement of the conservative path
     * @param target what the tables may hold (see {@link TargetTables}); {@link TargetTables#LIVE} for a live sink
     */
    public BatchApplier(DataSource dataSource, String schema, String group, SinkMetrics metrics, int rowsPerStatement,
            TargetTables target) {
        this.dataSource = dataSource;
        this.offsets = new OffsetStore(schema, group);
        this.events = new EventsTable(schema, rowsPerStatement, target);
        this.projections = new ProjectionWriter(schema, rowsPerStatement, target);
        this.metrics = metrics;
        this.target = target;
    }

    public OffsetStore offsets() {
        return offsets;
    }

    /**
     * Applies the records in one transaction.
     *
     * @param records in log order; every record's partition must be in {@code expected}, each partition's
     *     offsets increasing and not below its expected offset
     * @param expected the next offset of each partition as this worker last read or wrote it
     * @param conservative use {@code ON CONFLICT} statements instead of SELECT/DELETE + COPY: slower, but a
     *     statement can fail only because of its own data; for isolating a poison event
     */
    public Outcome apply(List<DecodedRecord> records, Map<TopicPartition, Long> expected, boolean conservative)
            throws SQLException {
        long started = System.nanoTime();
        Map<TopicPartition, long[]> moves = moves(records, expected);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                target.begin(c);
                TopicPartition fenced = offsets.advance(c, moves);
                if (fenced != null) {
                    c.rollback();
                    long[] move = moves.get(fenced);
                    return new Fenced(fenced, move[0], move[1]);
                }
                List<DecodedRecord> withEvents = new ArrayList<>(records.size());
                for (DecodedRecord r : records) {
                    if (r.hasEvent()) {
                        withEvents.add(r);
                    }
                }
                List<Event> fresh = newEvents(c, withEvents, conservative);
                if (!fresh.isEmpty()) {
                    BatchOverlay overlay = new BatchOverlay();
                    for (Event e : fresh) {
                        ProjectionFold.declareReads(e, overlay);
                    }
                    projections.load(c, overlay);
                    for (Event e : fresh) {
                        ProjectionFold.apply(e, overlay);
                    }
                    projections.write(c, overlay, conservative);
                }
                c.commit();
                for (Event e : fresh) {
                    metrics.applied(e.type());
                }
                int duplicates = withEvents.size() - fresh.size();
                metrics.duplicates(duplicates);
                metrics.batch(records.size(), System.nanoTime() - started);
                Map<TopicPartition, Long> next = new LinkedHashMap<>();
                moves.forEach((tp, move) -> next.put(tp, move[1]));
                return new Applied(next, fresh.size(), duplicates);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    /** The first occurrence of each event_id the insert reported as new, in log order. */
    private List<Event> newEvents(Connection c, List<DecodedRecord> withEvents, boolean conservative)
            throws SQLException {
        if (withEvents.isEmpty()) {
            return List.of();
        }
        Set<String> inserted = conservative ? events.insertNewConservatively(c, withEvents)
                : events.insertNew(c, withEvents);
        List<Event> fresh = new ArrayList<>(inserted.size());
        for (DecodedRecord r : withEvents) {
            if (inserted.remove(r.event().eventId())) {
                fresh.add(r.event());
            }
        }
        return fresh;
    }

    private static Map<TopicPartition, long[]> moves(List<DecodedRecord> records, Map<TopicPartition, Long> expected) {
        Map<TopicPartition, long[]> moves = new LinkedHashMap<>();
        for (DecodedRecord r : records) {
            TopicPartition tp = new TopicPartition(r.record().topic(), r.record().partition());
            long[] move = moves.get(tp);
            if (move == null) {
                Long from = expected.get(tp);
                if (from == null) {
                    throw new IllegalArgumentException("no expected offset for " + tp + ": not assigned to this worker");
                }
                move = new long[] {from, from};
                moves.put(tp, move);
            }
            if (r.record().offset() < move[1]) {
                throw new IllegalArgumentException(r.record() + " is below the next offset " + move[1] + " of " + tp);
            }
            move[1] = r.record().offset() + 1;
        }
        return moves;
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
