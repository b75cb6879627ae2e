package dev.agentlog.processor.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What passed in one task, remembered for the de-duplication retention: each event_id (with its position) and
 * each used stream position's owner, both stamped with the wall-clock time they were recorded at (not record
 * timestamps: one producer with a clock far in the future must not expire everybody's history). A lookup
 * ignores entries older than the retention, so the rule is exact whatever the purge has done; the purge
 * (deleting by an index ordered by time) only reclaims space, a bounded batch at a time.
 *
 * <p>The index is written in chunks: one index entry ({@code (start, 'C', chunk number)}) lists up to
 * {@value #CHUNK_ENTRIES} keys with the times they were recorded at, all within the wall-clock second that starts at
 * {@code start}, in time order. The index store is cached, so a chunk reaches RocksDB and its changelog once per
 * commit instead of one entry per key: two RocksDB writes and two changelog records less per event, which were two of
 * the five records the processor wrote per event. A chunk is read back from the (cached) store before each append, so
 * the store, never this object, is what a chunk holds (a chunk number re-used after a restart only makes that chunk
 * longer). The purge treats each listed key as it treats an entry of one key: once its time is past the retention,
 * the key goes if it was last recorded at that time; a chunk whose keys are all past goes, one with keys still
 * retained keeps those and ends the purge. Entries of one key each ({@code (time, 'E'|'O', key)}), written before
 * chunks, are still purged as they were.
 *
 * <p>Plain key-value stores, not window stores: in Kafka Streams 4.3 a persistent window store that a task
 * never wrote to makes that task look corrupted on every clean restart under exactly_once_v2 (its state is
 * wiped and restored, with an ERROR log), which idle partitions would hit on every start.
 */
final class RetainedHistory {
    private static final byte EVENT_ID = 'E';
    private static final byte OWNER = 'O';
    private static final byte CHUNK = 'C';
    /** Keys one chunk of the index lists at most: a chunk is rewritten (copied) on every append, so it stays small. */
    static final int CHUNK_ENTRIES = 32;
    /** A chunk lists keys recorded within one wall-clock second. */
    static final long CHUNK_SPAN_MS = 1_000;

    private final KeyValueStore<String, byte[]> eventIds;
    private final KeyValueStore<Bytes, byte[]> owners;
    private final KeyValueStore<Bytes, byte[]> expiry;
    private final long retentionMs;
    private final boolean chunked;
    private Bytes chunkKey;
    private long chunkStart;
    private int chunkEntries;
    private long chunkNumber;

    /** @param chunked false: one index entry per key, as before chunks (for the tests that compare both) */
    RetainedHistory(KeyValueStore<String, byte[]> eventIds, KeyValueStore<Bytes, byte[]> owners,
            KeyValueStore<Bytes, byte[]> expiry, long retentionMs, boolean chunked) {
        this.chunked = chunked;
        this.eventIds = eventIds;
        this.owners = owners;
        this.expiry = expiry;
        this.retentionMs = retentionMs;
    }

    boolean passed(String eventId, long now) {
        byte[] value = eventIds.get(eventId);
        return value != null && retained(ByteBuffer.wrap(value).getLong(Long.BYTES), now);
    }

    PositionOwner ownerOf(StreamPositionKey position, long now) {
        byte[] value = owners.get(position.toBytes());
        if (value == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long time = buffer.getLong();
        if (!retained(time, now)) {
            return null;
        }
        return PositionOwner.decode(StandardCharsets.UTF_8.decode(buffer).toString());
    }

    /** The event passed at this position. */
    void recordPassed(String eventId, StreamPositionKey position, long now) {
        eventIds.put(eventId, ByteBuffer.allocate(2 * Long.BYTES).putLong(position.position()).putLong(now).array());
        index(now, EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        recordOwner(position, PositionOwner.passed(eventId), now);
    }

    void recordOwner(StreamPositionKey position, PositionOwner owner, long now) {
        byte[] text = owner.encode().getBytes(StandardCharsets.UTF_8);
        Bytes key = position.toBytes();
        owners.put(key, ByteBuffer.allocate(Long.BYTES + text.length).putLong(now).put(text).array());
        index(now, OWNER, key.get());
    }

    private void index(long now, byte kind, byte[] target) {
        if (!chunked) {
            expiry.put(indexKey(now, kind, target), new byte[0]);
            return;
        }
        if (chunkKey == null || now < chunkStart || now >= chunkStart + CHUNK_SPAN_MS
                || chunkEntries >= CHUNK_ENTRIES) {
            chunkStart = Math.floorDiv(now, CHUNK_SPAN_MS) * CHUNK_SPAN_MS;
            chunkKey = indexKey(chunkStart, CHUNK, ByteBuffer.allocate(Long.BYTES).putLong(chunkNumber++).array());
            chunkEntries = 0;
        }
        byte[] listed = expiry.get(chunkKey);
        int from = listed == null ? 0 : listed.length;
        int length = 1 + Long.BYTES + Integer.BYTES + target.length;
        byte[] chunk = listed == null ? new byte[length] : Arrays.copyOf(listed, from + length);
        ByteBuffer.wrap(chunk, from, length).put(kind).putLong(now).putInt(target.length).put(target);
        expiry.put(chunkKey, chunk);
        chunkEntries++;
    }

    /**
     * Deletes the entries recorded before {@code now - retention}, oldest first, until {@code max} keys were handled
     * (the expired keys of one chunk of the index are handled together).
     *
     * @return how many keys the index entries handled listed
     */
    int purge(long now, int max) {
        long cutoff = now - retentionMs;
        int handled = 0;
        // written after the scan: the index store is cached, and its cache is not to change under an open iterator
        Map<Bytes, byte[]> done = new LinkedHashMap<>();
        try (KeyValueIterator<Bytes, byte[]> oldest = expiry.all()) {
            while (handled < max && oldest.hasNext()) {
                KeyValue<Bytes, byte[]> entry = oldest.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                long time = key.getLong();
                if (time >= cutoff) {
                    break;
                }
                byte kind = key.get();
                if (kind == CHUNK) {
                    ByteBuffer chunk = ByteBuffer.wrap(entry.value);
                    handled += purgeChunk(chunk, cutoff);
                    done.put(entry.key, chunk.hasRemaining() ? Arrays.copyOfRange(entry.value, chunk.position(),
                            entry.value.length) : null);
                    if (chunk.hasRemaining()) {
                        break; // its other keys are still retained, and so is every later one
                    }
                } else {
                    byte[] target = Arrays.copyOfRange(entry.key.get(), Long.BYTES + 1, entry.key.get().length);
                    deleteIfRecordedAt(kind, target, time);
                    handled++;
                    done.put(entry.key, null);
                }
            }
        }
        done.forEach((key, rest) -> {
            if (rest == null) {
                expiry.delete(key);
            } else {
                expiry.put(key, rest);
            }
        });
        return handled;
    }

    /**
     * Purges the chunk's keys recorded before the cut-off, in order; leaves the chunk positioned at the first one that
     * is not (or at its end).
     *
     * @return how many keys it purged
     */
    private int purgeChunk(ByteBuffer chunk, long cutoff) {
        int purged = 0;
        while (chunk.hasRemaining()) {
            int start = chunk.position();
            byte kind = chunk.get();
            long time = chunk.getLong();
            if (time >= cutoff) {
                chunk.position(start);
                return purged;
            }
            byte[] target = new byte[chunk.getInt()];
            chunk.get(target);
            deleteIfRecordedAt(kind, target, time);
            purged++;
        }
        return purged;
    }

    /** A key listed at {@code time} (in a chunk, or in an entry of its own): it goes if it was last recorded then. */
    private void deleteIfRecordedAt(byte kind, byte[] target, long time) {
        if (kind == EVENT_ID) {
            String eventId = new String(target, StandardCharsets.UTF_8);
            byte[] value = eventIds.get(eventId);
            if (value != null && ByteBuffer.wrap(value).getLong(Long.BYTES) == time) {
                eventIds.delete(eventId);
            }
        } else {
            byte[] value = owners.get(Bytes.wrap(target));
            if (value != null && ByteBuffer.wrap(value).getLong() == time) {
                owners.delete(Bytes.wrap(target));
            }
        }
    }

    private boolean retained(long recordedAt, long now) {
        return recordedAt >= now - retentionMs;
    }

    /** Time first (big-endian, never negative), so the store's byte order is time order. */
    private static Bytes indexKey(long time, byte kind, byte[] target) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + target.length).putLong(time).put(kind).put(target)
                .array());
    }
}
