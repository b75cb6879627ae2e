package dev.agentlog.processor.internal;

/**
 * The processor's shortcuts, each of which must decide exactly as the long way does; the long way is kept so that a
 * property test can run both on the same input and compare every record they write ({@code ShortcutsPropertyTest}).
 *
 * @param chunkedExpiryIndex the expiry index in chunks of keys, cached ({@link RetainedHistory}), instead of one entry
 *     per key written through to RocksDB and the changelog
 * @param heldStreamsInMemory which streams have events held behind a gap, known in memory (rebuilt from the held
 *     events on every start and every gap check), so that an event that passes on a stream with none held does not
 *     look up its successor in the held-events store
 */
public record Shortcuts(boolean chunkedExpiryIndex, boolean heldStreamsInMemory) {
    /** What the processor runs with. */
    public static final Shortcuts ON = new Shortcuts(true, true);
    /** The long way, for the tests that compare. */
    public static final Shortcuts OFF = new Shortcuts(false, false);
}
