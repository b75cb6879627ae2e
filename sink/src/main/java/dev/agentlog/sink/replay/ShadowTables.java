package dev.agentlog.sink.replay;

import dev.agentlog.events.Event;
import dev.agentlog.sink.internal.EventsTable;
import dev.agentlog.sink.internal.TargetTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A rebuild's shadow schema as the batch path writes it (the rebuild's {@link TargetTables}; the lanes share one):
 * <ul>
 *   <li>Its transactions commit without waiting for the WAL flush: the tables can be written again from the log after
 *       a crash (the last transactions are gone, each wholly, with its offsets, and {@code --resume} writes them again);
 *       the swap commits with the server's setting, which flushes them all.</li>
 *   <li>Unless resumed, the tables started empty and only the rebuild writes them (a snapshot seed included: it tells
 *       what it wrote, {@link #wrote} and {@link #wroteEvent}): lookups and deletes of keys it never
 *       wrote are skipped ({@link WrittenKeys}, sized for three keys per record and at least three million: the log
 *       grows while the replay runs).</li>
 *   <li>Unless resumed, the unique keys of {@code events} may be kept in memory ({@link InMemoryEventKeys}) while their
 *       indexes are deferred to the end of the replay ({@link DeferredIndexes}); a batch that needs the indexes throws
 *       {@link UniqueIndexNeeded}, and once they are built ({@link #uniqueIndexesBuilt}) they decide. Event_ids are
 *       then looked up in them, every one: those kept in memory were not also put into the written keys (that would
 *       double the work for every event).</li>
 * </ul>
 */
public final class ShadowTables implements TargetTables {
    /** Null when resumed: the tables hold rows written before. */
    private final WrittenKeys written;
    /** Null when the unique indexes of events are there all along. */
    private final InMemoryEventKeys eventKeys;

    private ShadowTables(WrittenKeys written, InMemoryEventKeys eventKeys) {
        this.written = written;
        this.eventKeys = eventKeys;
    }

    /**
     * Tables that started empty, for a log of about {@code records} records, with the unique keys of events in memory
     * when they fit in {@code maxBytesForEventKeys} (0: never; the indexes stay).
     */
    public static ShadowTables startingEmpty(long records, long maxBytesForEventKeys) {
        InMemoryEventKeys keys = maxBytesForEventKeys <= 0 ? null
                : InMemoryEventKeys.forRecords(records, maxBytesForEventKeys).orElse(null);
        return new ShadowTables(new WrittenKeys(3 * Math.max(records, 1_000_000L)), keys);
    }

    /** Tables an interrupted rebuild wrote before: every key is looked up, the unique indexes decide. */
    public static ShadowTables resumed() {
        return new ShadowTables(null, null);
    }

    /** True while the unique keys of events are kept in memory, their indexes not built yet. */
    public boolean uniqueKeysInMemory() {
        return eventKeys != null && !eventKeys.indexed();
    }

    /** The unique indexes of events exist now: they decide from here on, and the memory is given back. */
    public void uniqueIndexesBuilt() {
        if (eventKeys != null) {
            eventKeys.indexesBuilt();
        }
    }

    /**
     * An events row written before the replay by a snapshot seed (the audit rows below the snapshot's positions): its
     * keys are taken, as if the replay had written it, so the tail after the snapshot runs through the same fast paths
     * as a replay of the whole log. Projection rows of the seed are told through {@link #wrote} like the writer's.
     *
     * @throws UniqueIndexNeeded when the unique keys no longer fit in memory: build the indexes before the replay
     */
    public void wroteEvent(String eventId, String streamId, Long streamSeq) {
        if (eventKeys != null && !eventKeys.indexed()) {
            eventKeys.addWritten(eventId, streamId, streamSeq);
        } else if (written != null) {
            written.written(EventsTable.TABLE, eventId);
        }
    }

    @Override
    public void begin(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = off");
        }
    }

    @Override
    public boolean mayHold(String table, Object key) {
        return written == null || written.mayExist(table, key);
    }

    @Override
    public void wrote(String table, Object key) {
        if (written != null && !(eventKeys != null && EventsTable.TABLE.equals(table))) {
            written.written(table, key);
        }
    }

    @Override
    public Collection<String> eventIdsToLookUp(List<Event> events) {
        if (eventKeys == null) {
            return TargetTables.super.eventIdsToLookUp(events);
        }
        if (!eventKeys.indexed()) {
            // no index to look in: the keys are claimed in memory, which stops the batch when one may be taken
            eventKeys.claim(events);
            return List.of();
        }
        List<String> ids = new ArrayList<>(events.size());
        events.forEach(e -> ids.add(e.eventId()));
        return ids;
    }

    @Override
    public void requireUniqueIndexes(String statement) {
        if (uniqueKeysInMemory()) {
            throw new UniqueIndexNeeded(statement + " needs the unique index of events");
        }
    }
}
