package dev.agentlog.sink.internal;

import dev.agentlog.events.Event;
import java.util.Collection;

/**
 * Who keeps the {@code events} table's two unique keys (event_id; stream_id with stream_seq). Normally its unique
 * indexes do ({@link #BY_INDEXES}). A rebuild filling a fresh shadow schema builds those indexes once at the end
 * instead (a sorted build costs PostgreSQL a quarter of what a random insert per row into two btrees does) and keeps
 * the keys meanwhile in memory ({@link InMemoryEventKeys}): every event is claimed before it is written, and when a key
 * may be taken already, only the index can tell, so the writer stops with {@link UniqueIndexNeeded}, the rebuild builds
 * the indexes there and then and applies the batch again, now through them.
 */
public interface EventsUniqueness {
    /** The table's unique indexes exist and decide. */
    EventsUniqueness BY_INDEXES = new EventsUniqueness() {
        @Override
        public boolean indexed() {
            return true;
        }

        @Override
        public void claim(Collection<Event> events) {}
    };

    /** True when the unique indexes exist: look event_ids up and rely on the indexes. */
    boolean indexed();

    /**
     * Which event_ids the events table may hold, given what {@code written} knows: itself when the indexes were
     * there all along; {@link WrittenKeys#ANY} for keys kept in memory, which are not also put into {@code written}
     * (that would double the work for every event), so that once their indexes are built every event_id is looked
     * up there.
     */
    default WrittenKeys filter(WrittenKeys written) {
        return written;
    }

    /**
     * Called only when not {@link #indexed()}: claims the event_ids and stream positions of these events (each event_id
     * once), all or none, atomically with respect to other claims.
     *
     * @throws UniqueIndexNeeded when one of them may have been claimed before (a re-delivered event, a conflicting
     *     position, a claim whose transaction rolled back, or, very rarely, two keys with one 64-bit hash)
     */
    void claim(Collection<Event> events);
}
