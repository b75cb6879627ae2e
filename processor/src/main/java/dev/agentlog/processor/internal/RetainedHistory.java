package dev.agentlog.processor.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * <p>Plain key-value stores, not window stores: in Kafka Streams 4.3 a persistent window store that a task
 * never wrote to makes that task look corrupted on every clean restart under exactly_once_v2 (its state is
 * wiped and restored, with an ERROR log), which idle partitions would hit on every start.
 */
final class RetainedHistory {
    private static final byte EVENT_ID = 'E';
    private static final byte OWNER = 'O';

    private final KeyValueStore<String, byte[]> eventIds;
    private final KeyValueStore<Bytes, byte[]> owners;
    private final KeyValueStore<Bytes, byte[]> expiry;
    private final long retentionMs;

    RetainedHistory(KeyValueStore<String, byte[]> eventIds, KeyValueStore<Bytes, byte[]> owners,
            KeyValueStore<Bytes, byte[]> expiry, long retentionMs) {
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
        expiry.put(indexKey(now, EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8)), new byte[0]);
        recordOwner(position, PositionOwner.passed(eventId), now);
    }

    void recordOwner(StreamPositionKey position, PositionOwner owner, long now) {
        byte[] text = owner.encode().getBytes(StandardCharsets.UTF_8);
        Bytes key = position.toBytes();
        owners.put(key, ByteBuffer.allocate(Long.BYTES + text.length).putLong(now).put(text).array());
        expiry.put(indexKey(now, OWNER, key.get()), new byte[0]);
    }

    /**
     * Deletes up to {@code max} entries recorded before {@code now - retention}, oldest first.
     *
     * @return how many index entries were handled
     */
    int purge(long now, int max) {
        long cutoff = now - retentionMs;
        int handled = 0;
        try (KeyValueIterator<Bytes, byte[]> oldest = expiry.all()) {
            while (handled < max && oldest.hasNext()) {
                KeyValue<Bytes, byte[]> entry = oldest.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                long time = key.getLong();
                if (time >= cutoff) {
                    break;
                }
                byte kind = key.get();
                byte[] target = Arrays.copyOfRange(entry.key.get(), Long.BYTES + 1, entry.key.get().length);
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
                expiry.delete(entry.key);
                handled++;
            }
        }
        return handled;
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
