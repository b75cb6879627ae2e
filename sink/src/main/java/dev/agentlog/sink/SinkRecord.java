package dev.agentlog.sink;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of the log of record as the sink receives it: where it was read, its original bytes, timestamp and
 * headers (a dead letter carries them unchanged).
 *
 * @param key the stream_id in UTF-8, may be null
 * @param value the event JSON as the processor wrote it, may be null (a tombstone is dead-lettered)
 * @param timestamp the record's timestamp, or {@link #NO_TIMESTAMP}
 * @param headers the record's headers (not copied: the sink does not change them)
 */
public record SinkRecord(String topic, int partition, long offset, byte[] key, byte[] value, long timestamp,
        Headers headers) {
    /** A record read from a table, not a topic, has no timestamp of its own (as Kafka's {@code NO_TIMESTAMP}). */
    public static final long NO_TIMESTAMP = -1;

    public SinkRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(headers, "headers");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must be >= 0, were " + partition + ", " + offset);
        }
    }

    /** A record without timestamp and headers (read back from the events table, made by a test). */
    public SinkRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
        this(topic, partition, offset, key, value, NO_TIMESTAMP, new RecordHeaders());
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
