package dev.agentlog.client;

/**
 * With encryption on, the event could not be sealed because its subject's data key could not be had now: the key
 * store (PostgreSQL) unreachable, or this process started without the key-encryption key that wraps the key. Nothing
 * was sent. Retriable as an outage is: send the same event again later (HTTP answers 503 with Retry-After). The
 * message says what happened without the key store's own error text, which the publisher's caller logs.
 */
public final class SealingUnavailableException extends PublishException {
    public SealingUnavailableException(String eventId, String message, Throwable cause) {
        super(eventId, message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
