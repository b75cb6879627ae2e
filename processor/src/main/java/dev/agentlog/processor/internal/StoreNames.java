package dev.agentlog.processor.internal;

/**
 * The processor's state stores, all persistent key-value stores, each with a changelog topic
 * {@code <application.id>-<name>-changelog}.
 */
public final class StoreNames {
    /** event_id -> (position it passed at, wall-clock time), kept for the de-duplication retention. */
    public static final String EVENT_IDS = "event-ids";
    /** stream_id -> last position used (passed, or given up after a gap timed out). */
    public static final String STREAM_POSITIONS = "stream-positions";
    /** (stream_id, position) -> (wall-clock time, {@link PositionOwner}), same retention as event-ids. */
    public static final String POSITION_OWNERS = "position-owners";
    /**
     * (end of a wall-clock second, 'C', chunk number) -> the event-ids and position-owners keys recorded in that second
     * (up to 32 a chunk), in time order: the order in which they expire. Entries of one key each, (wall-clock time,
     * 'E' or 'O', key) -> nothing, were written before chunks and are still read.
     */
    public static final String EXPIRY_INDEX = "expiry-index";
    /** stream_id -> the tenant that owns it ({@link StreamTenants}), kept forever like the positions. */
    public static final String STREAM_TENANTS = "stream-tenants";
    /** (stream_id, position) -> {@link HeldRecord}: events waiting behind a gap. */
    public static final String HELD_EVENTS = "held-events";

    private StoreNames() {}
}
