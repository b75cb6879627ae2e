package dev.agentlog.sink.internal;

import dev.agentlog.events.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the batch path may assume about the tables it writes: the one seam between the live sink and a rebuild, which
 * share every other step (decoding, dead letters, the fold, the writers, the offsets, the retries). A live schema's
 * tables are written by anyone, keep their own unique keys and commit durably: {@link #LIVE}, these defaults. A
 * rebuild's shadow schema started empty and only the rebuild writes it, so its writer may skip lookups of keys it
 * never wrote, keep the unique keys of {@code events} in memory while their indexes are deferred, and commit without
 * waiting for the WAL flush ({@code dev.agentlog.sink.replay.ShadowTables}). Implementations are thread-safe: a
 * rebuild's lanes share one. Whatever they throw stops the batch before it commits; {@link NotReady} means "ready the
 * tables and apply the batch again".
 */
public interface TargetTables {
    /** A live schema's tables: every key may be stored, the unique indexes decide, commits wait for the flush. */
    TargetTables LIVE = new TargetTables() {};

    /** Runs first in each batch transaction, before the offsets move (settings for that transaction alone). */
    default void begin(Connection c) throws SQLException {}

    /**
     * Whether {@code table} may hold {@code key}: a projection table's key, or, under the name
     * {@code table.column}, a value of one of its {@link dev.agentlog.sink.fold.Ref} columns. False only when it
     * certainly does not; the lookup or delete of that key is then skipped, which changes no result.
     */
    default boolean mayHold(String table, Object key) {
        return true;
    }

    /** {@code key} is written to {@code table} in a transaction that may still roll back (named as in {@link #mayHold}). */
    default void wrote(String table, Object key) {}

    /**
     * Of these events (the first occurrence of each event_id in a slice, in log order), the event_ids that may be in
     * {@code events} already: the writer looks them up there and inserts the others as new. An implementation that
     * keeps the unique keys elsewhere claims them here, and throws {@link NotReady} when it cannot tell.
     */
    default Collection<String> eventIdsToLookUp(List<Event> events) {
        List<String> ids = new ArrayList<>(events.size());
        for (Event e : events) {
            if (mayHold(EventsTable.TABLE, e.eventId())) {
                ids.add(e.eventId());
            }
        }
        return ids;
    }

    /**
     * Called before a statement that relies on the unique indexes of {@code events} ({@code ON CONFLICT (event_id)});
     * throws {@link NotReady} when they are not there.
     */
    default void requireUniqueIndexes(String statement) {}

    /**
     * The tables cannot take the batch as they stand; thrown by a {@link TargetTables} before anything of the batch
     * commits. It passes the batch path's retries and poison handling untouched, up to whoever made the target, who
     * readies the tables and applies the batch again.
     */
    abstract class NotReady extends RuntimeException {
        protected NotReady(String why) {
            super(why, null, false, false);
        }
    }
}
