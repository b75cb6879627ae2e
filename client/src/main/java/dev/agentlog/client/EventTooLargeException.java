package dev.agentlog.client;

import dev.agentlog.events.RuleCode;
import dev.agentlog.events.Violation;

/**
 * An event whose serialized form is over the limit ({@code --max-event-bytes}); it was never sent.
 * Not retriable: the same event will be refused again.
 */
public final class EventTooLargeException extends PublishException {
    private final int sizeBytes;
    private final int maxBytes;

    public EventTooLargeException(String eventId, int sizeBytes, int maxBytes) {
        super(eventId, "event " + eventId + " " + violation(sizeBytes, maxBytes).rule(), null);
        this.sizeBytes = sizeBytes;
        this.maxBytes = maxBytes;
    }

    /** The rule broken, on the whole event ({@code $}). */
    public static Violation violation(int sizeBytes, int maxBytes) {
        return new Violation("$", RuleCode.TOO_LARGE, "is " + sizeBytes + " bytes serialized, over the limit of " + maxBytes
                + " bytes (--max-event-bytes): make the payload smaller or raise the limit");
    }

    public Violation violation() {
        return violation(sizeBytes, maxBytes);
    }

    public int sizeBytes() {
        return sizeBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }
}
