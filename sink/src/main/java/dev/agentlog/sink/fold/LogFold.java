package dev.agentlog.sink.fold;

import dev.agentlog.events.Event;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Folds a log into a {@link ProjectionState} exactly as the sink applies it: each event_id once (the
 * first occurrence), in log order. What {@code verify} compares the tables with. Not thread-safe.
 */
public final class LogFold {
    private final ProjectionState state;
    private final Set<String> seen = new HashSet<>();
    private final Predicate<String> appliedBefore;

    /** A fold of the whole log, from empty tables. */
    public LogFold() {
        this(new ProjectionState(), id -> false);
    }

    /**
     * A fold of a log's tail after a snapshot: from the snapshot's {@code state}, with {@code appliedBefore} saying
     * which event_ids the records below the snapshot applied already (a re-delivery of one of them in the tail is not
     * applied again, as the sink's events table keeps it from being).
     */
    public LogFold(ProjectionState state, Predicate<String> appliedBefore) {
        this.state = state;
        this.appliedBefore = appliedBefore;
    }

    /** Applies the event unless its event_id was applied before; true when applied. */
    public boolean apply(Event event) {
        if (appliedBefore.test(event.eventId()) || !seen.add(event.eventId())) {
            return false;
        }
        ProjectionFold.apply(event, state);
        return true;
    }

    public ProjectionState state() {
        return state;
    }

    public int eventsApplied() {
        return seen.size();
    }
}
