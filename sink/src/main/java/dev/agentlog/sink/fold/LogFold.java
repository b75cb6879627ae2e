package dev.agentlog.sink.fold;

import dev.agentlog.events.Event;
import java.util.HashSet;
import java.util.Set;

/**
 * Folds a log into a {@link ProjectionState} exactly as the sink applies it: each event_id once (the
 * first occurrence), in log order. What {@code verify} compares the tables with. Not thread-safe.
 */
public final class LogFold {
    private final ProjectionState state = new ProjectionState();
    private final Set<String> seen = new HashSet<>();

    /** Applies the event unless its event_id was applied before; true when applied. */
    public boolean apply(Event event) {
        if (!seen.add(event.eventId())) {
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
