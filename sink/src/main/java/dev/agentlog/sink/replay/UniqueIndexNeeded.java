package dev.agentlog.sink.replay;

import dev.agentlog.sink.internal.TargetTables;

/**
 * A batch needs the {@code events} table's unique indexes, which the rebuild deferred (see {@link ShadowTables}).
 * Thrown before anything of the batch is committed; the rebuild builds the indexes and applies the batch again.
 */
public final class UniqueIndexNeeded extends TargetTables.NotReady {
    UniqueIndexNeeded(String why) {
        super(why);
    }
}
