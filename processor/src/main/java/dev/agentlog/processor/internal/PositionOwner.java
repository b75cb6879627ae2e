package dev.agentlog.processor.internal;

/**
 * Who owns a stream position that is behind the stream's next one: the event that passed there, or the held
 * event that was given up there when its gap timed out. Stored as text ({@code P:<event_id>}, {@code G:<event_id>}).
 */
public record PositionOwner(boolean givenUp, String eventId) {

    public static PositionOwner passed(String eventId) {
        return new PositionOwner(false, eventId);
    }

    public static PositionOwner gaveUp(String eventId) {
        return new PositionOwner(true, eventId);
    }

    public String encode() {
        return (givenUp ? "G:" : "P:") + eventId;
    }

    public static PositionOwner decode(String text) {
        return new PositionOwner(text.startsWith("G:"), text.substring(2));
    }
}
