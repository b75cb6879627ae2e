package dev.agentlog.client;

/**
 * Kafka could not take the event in time: not reachable, no leader, not enough in-sync replicas, or the
 * publisher is closing. Retriable: send the same event again later (HTTP answers 503 with Retry-After).
 */
public final class KafkaUnavailableException extends PublishException {
    public KafkaUnavailableException(String eventId, String message, Throwable cause) {
        super(eventId, message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
