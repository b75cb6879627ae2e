package dev.agentlog.events;

/**
 * A {@link PayloadSealer} could not have the data key it needs now: the key store unreachable (PostgreSQL restarting,
 * failed over, out of connections) or a key wrapped by a key-encryption key this process was not given. Nothing was
 * sealed. Not the event's fault: the caller answers it as an outage (HTTP 503 with Retry-After; the same event sent
 * again later is sealed then), where an {@link InvalidEventException} from sealing (an erased subject) is the event's.
 */
public final class KeysUnavailableException extends RuntimeException {
    public KeysUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
