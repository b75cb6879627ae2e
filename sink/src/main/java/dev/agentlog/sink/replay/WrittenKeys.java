package dev.agentlog.sink.replay;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The keys a rebuild wrote to its shadow schema's tables, which started empty, so that the writer can skip looking up
 * or deleting keys never written: the event_id lookup, the DELETE by key before each COPY, the loads of rows a partial
 * update reads (see {@link ShadowTables}). A key is named by its table (or {@code table.ref_column} for a
 * {@link dev.agentlog.sink.fold.Ref} value) and its key object. A Bloom filter: answers may be wrong only towards
 * "maybe"; a key reported absent was never {@link #written}, so skipping its lookup is exact. 7 hash positions per key
 * (double hashing over a mixed 64-bit hash), about 1% false "maybe" answers at 10 bits per key. Thread-safe.
 */
final class WrittenKeys {
    private static final int HASHES = 7;
    private static final long MAX_BITS = 64L * 8 * 1024 * 1024;
    private final AtomicLongArray words;
    private final long bits;

    /**
     * Sized for about {@code expectedKeys} keys at 1% false "maybe" answers (capped at 64 MiB; beyond, more answers
     * are "maybe", still exact for "absent").
     */
    WrittenKeys(long expectedKeys) {
        long wanted = Math.min(MAX_BITS, Math.max(1L << 16, expectedKeys * 10));
        this.words = new AtomicLongArray((int) ((wanted + 63) / 64));
        this.bits = words.length() * 64L;
    }

    boolean mayExist(String table, Object key) {
        long h = hash(table, key);
        for (int i = 0; i < HASHES; i++) {
            long bit = position(h, i);
            if ((words.get((int) (bit >>> 6)) & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Records that the key was (or is about to be) written; a rolled-back write only makes answers "maybe". */
    void written(String table, Object key) {
        long h = hash(table, key);
        for (int i = 0; i < HASHES; i++) {
            long bit = position(h, i);
            int word = (int) (bit >>> 6);
            long mask = 1L << bit;
            long current;
            do {
                current = words.get(word);
            } while ((current & mask) == 0 && !words.compareAndSet(word, current, current | mask));
        }
    }

    /** The {@code i}th of a key's bit positions: double hashing over the two halves of its hash. */
    private long position(long hash, int i) {
        return Integer.toUnsignedLong((int) hash + i * ((int) (hash >>> 32) | 1)) % bits;
    }

    /** The table's and the key's hash codes (records hash structurally), mixed (MurmurHash3's finalizer). */
    private static long hash(String table, Object key) {
        return InMemoryEventKeys.mix(((long) table.hashCode() << 32) ^ (key.hashCode() & 0xffffffffL));
    }
}
