package dev.agentlog.sink.replay;

import dev.agentlog.events.Event;
import java.util.Collection;
import java.util.Optional;

/**
 * The {@code events} table's unique keys (event_id; stream_id with stream_seq) kept in memory while a rebuild defers
 * their unique indexes (see {@link ShadowTables}; a sorted build at the end costs PostgreSQL a quarter of what a random
 * insert per row into two btrees does): every event is claimed before it is written, and when a key may be taken
 * already, only the index can tell, so the claim stops the batch with {@link UniqueIndexNeeded}; the rebuild builds the
 * indexes there and then and applies the batch again, now through them. A 64-bit hash of every event_id and every (stream_id, stream_seq) written, in an
 * open-addressing table of longs (about 13 bytes per key). A key whose hash is in the table may be taken: the claim
 * then stops with {@link UniqueIndexNeeded}. Two different keys share a hash with a probability of about n&sup2;/2^65
 * (10^-7 for 2M keys), and that only costs the index build; a taken key is never missed, so the table stays exact.
 * Thread-safe: claims are serialized (one per batch of thousands of events).
 */
final class InMemoryEventKeys {
    private static final double MAX_LOAD = 0.6;
    /** Keys per record: its event_id and its stream position. */
    private static final int KEYS_PER_RECORD = 2;
    private static final long POSITION_DOMAIN = 0x5bd1e9955bd1e995L;

    private final long maxSlots;
    private long[] slots;
    private int size;
    private volatile boolean indexed;

    private InMemoryEventKeys(int initialSlots, long maxSlots) {
        this.slots = new long[initialSlots];
        this.maxSlots = maxSlots;
    }

    /**
     * Keys in memory when about {@code expectedRecords} fit in {@code maxBytes}; otherwise empty (the indexes are not
     * deferred).
     */
    static Optional<InMemoryEventKeys> forRecords(long expectedRecords, long maxBytes) {
        long maxSlots = Long.highestOneBit(Math.max(1024, maxBytes / Long.BYTES));
        long wanted = slotsFor(Math.max(1, expectedRecords) * KEYS_PER_RECORD);
        if (wanted > maxSlots || maxSlots > Integer.MAX_VALUE / 2) {
            return Optional.empty();
        }
        return Optional.of(new InMemoryEventKeys((int) wanted, maxSlots));
    }

    /** The unique indexes were built: from now on they decide, and the memory is given back. */
    synchronized void indexesBuilt() {
        indexed = true;
        slots = null;
    }

    /** True once the unique indexes exist: then they decide, and nothing is claimed here any more. */
    boolean indexed() {
        return indexed;
    }

    /**
     * Claims the event_ids and stream positions of these events (each event_id once), all or none, atomically with
     * respect to other claims.
     *
     * @throws UniqueIndexNeeded when one of them may have been claimed before (a re-delivered event, a conflicting
     *     position, a claim whose transaction rolled back, or, very rarely, two keys with one 64-bit hash)
     */
    synchronized void claim(Collection<Event> events) {
        if (indexed) {
            throw new IllegalStateException("the unique indexes of events exist: look the keys up instead");
        }
        ensureRoom(size + (long) events.size() * KEYS_PER_RECORD);
        for (Event e : events) {
            if (!add(hash(e.eventId()))) {
                throw new UniqueIndexNeeded("event_id " + e.eventId() + " may be in events already");
            }
            if (e.streamSeq() != null && !add(positionHash(e.streamId(), e.streamSeq()))) {
                throw new UniqueIndexNeeded("position " + e.streamSeq() + " of stream " + e.streamId()
                        + " may be taken already");
            }
        }
    }

    /**
     * Takes in the keys of an event written another way (a rebuild's snapshot seed copies the events rows below the
     * snapshot's positions): unlike a claim it never stops, since those rows are unique already; a key held twice (two
     * keys with one hash) only makes a later claim of it stop, which is exact.
     *
     * @throws UniqueIndexNeeded when the keys no longer fit in memory
     */
    synchronized void addWritten(String eventId, String streamId, Long streamSeq) {
        if (indexed) {
            throw new IllegalStateException("the unique indexes of events exist: nothing to keep here");
        }
        ensureRoom(size + (long) KEYS_PER_RECORD);
        add(hash(eventId));
        if (streamSeq != null) {
            add(positionHash(streamId, streamSeq));
        }
    }

    /** Keys held; for tests. */
    synchronized int size() {
        return size;
    }

    private boolean add(long hash) {
        long key = hash == 0 ? 1 : hash; // 0 marks a free slot
        int mask = slots.length - 1;
        for (int i = (int) key & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == 0) {
                slots[i] = key;
                size++;
                return true;
            }
            if (slot == key) {
                return false;
            }
        }
    }

    private void ensureRoom(long keys) {
        long wanted = slotsFor(keys);
        if (wanted <= slots.length) {
            return;
        }
        if (wanted > maxSlots) {
            throw new UniqueIndexNeeded("more events than the " + maxSlots + " in-memory keys hold");
        }
        long[] old = slots;
        slots = new long[(int) wanted];
        size = 0;
        for (long key : old) {
            if (key != 0) {
                add(key);
            }
        }
    }

    private static long slotsFor(long keys) {
        long needed = (long) Math.ceil(keys / MAX_LOAD);
        return Math.max(1024, Long.highestOneBit(needed - 1) << 1);
    }

    /** FNV-1a over the chars, then MurmurHash3's 64-bit finalizer (FNV alone leaves the low bits weak). */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return mix(h ^ s.length());
    }

    static long positionHash(String streamId, long seq) {
        return mix(hash(streamId) ^ (seq * 0x9e3779b97f4a7c15L) ^ POSITION_DOMAIN);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
