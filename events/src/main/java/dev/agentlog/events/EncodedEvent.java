package dev.agentlog.events;

import java.util.Objects;

/**
 * An event and its record value, the JSON the codec wrote for it, so that a sender validates and serializes an event
 * once and sends those very bytes ({@link EventCodec#encodeChecked}).
 *
 * @param event the event as the pipeline will read it (decoded from {@code bytes})
 * @param bytes its record value, UTF-8 JSON; not copied: do not change it
 */
public record EncodedEvent(Event event, byte[] bytes) {
    public EncodedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(bytes, "bytes");
    }
}
