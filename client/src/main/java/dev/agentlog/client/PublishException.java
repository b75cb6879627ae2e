package dev.agentlog.client;

/**
 * An event that was not acknowledged by Kafka. Nothing is known to be in Kafka; the event may still have
 * been written (an ack lost on the way back), which is why re-sending the same {@code event_id} is the
 * answer to every subclass that says "retry": the pipeline keeps one event per {@code event_id}.
 */
public class PublishException extends RuntimeException {
    private final String eventId;

    public PublishException(String eventId, String message, Throwable cause) {
        super(message, cause);
        this.eventId = eventId;
    }

    /** The event that was not acknowledged. */
    public String eventId() {
        return eventId;
    }

    /** Whether re-sending later may succeed. */
    public boolean isRetriable() {
        return false;
    }
}
