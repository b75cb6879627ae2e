package dev.agentlog.events;

/**
 * Where a record was read: topic, partition, offset. A dead letter names the position of the record it refuses;
 * {@link #UNKNOWN} when there is none (a record made inside a punctuation).
 */
public record RecordPosition(String topic, int partition, long offset) {
    public static final RecordPosition UNKNOWN = new RecordPosition(null, -1, -1);

    /** A log prefix such as {@code agentlog.events.in-3@1207}. */
    @Override
    public String toString() {
        return topic == null ? "unknown origin" : topic + "-" + partition + "@" + offset;
    }
}
