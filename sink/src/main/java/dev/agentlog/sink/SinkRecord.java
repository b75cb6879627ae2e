package dev.agentlog.sink;

import java.util.Objects;

/**
 * One record of the log of record as the sink receives it, without Kafka's types: where it was read and
 * its original bytes (a dead letter carries them unchanged).
 *
 * @param key the stream_id in UTF-8, may be null
 * @param value the event JSON as {@code EventCodec.encode} wrote it, may be null (a tombstone is dead-lettered)
 */
public record SinkRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
    public SinkRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must be >= 0, were " + partition + ", " + offset);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
