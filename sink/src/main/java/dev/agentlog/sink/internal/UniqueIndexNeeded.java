package dev.agentlog.sink.internal;

/**
 * A batch needs the {@code events} table's unique indexes, which a rebuild deferred (see {@link EventsUniqueness}).
 * Thrown before anything of the batch is committed; the rebuild builds the indexes and applies the batch again.
 */
public final class UniqueIndexNeeded extends RuntimeException {
    public UniqueIndexNeeded(String why) {
        super(why, null, false, false);
    }
}
