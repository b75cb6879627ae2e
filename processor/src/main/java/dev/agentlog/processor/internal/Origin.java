package dev.agentlog.processor.internal;

import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Where an input record was read: the source topic, partition and offset of the dead-letter headers. */
public record Origin(String topic, int partition, long offset) {
    public static final Origin UNKNOWN = new Origin(null, -1, -1);

    public static Origin of(java.util.Optional<RecordMetadata> metadata) {
        return metadata.map(m -> new Origin(m.topic(), m.partition(), m.offset())).orElse(UNKNOWN);
    }

    /** A log prefix such as {@code agentlog.events.in-3@1207}. */
    @Override
    public String toString() {
        return topic == null ? "unknown origin" : topic + "-" + partition + "@" + offset;
    }
}
