package dev.agentlog.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.SinkRecord;

/**
 * A record after decoding, parsed once: its event and its payload's JSON text, or why it is refused
 * (then it only advances its partition's offset).
 *
 * @param payloadJson the payload as JSON text in UTF-8, written while decoding (the source of
 *     {@code events.payload}; null when refused)
 * @param refusal null for an event to apply; else the rule it broke (already dead-lettered)
 */
public record DecodedRecord(SinkRecord record, Event event, byte[] payloadJson, String refusal) {
    /** @param value the parsed record value the event was read from */
    public static DecodedRecord of(SinkRecord record, Event event, EventCodec.Located value) {
        return new DecodedRecord(record, event, payloadJson(event, value), null);
    }

    public static DecodedRecord refused(SinkRecord record, String rule) {
        return new DecodedRecord(record, null, null, rule);
    }

    /**
     * The payload's text as it came (the log of record is at the current version already: no JSON is written
     * here, which was a sixth of the sink's CPU); written from the event only when it was upcast.
     */
    private static byte[] payloadJson(Event event, EventCodec.Located value) {
        JsonNode version = value.tree().get("schema_version");
        if (value.payloadStart() >= 0 && version != null && version.asInt() == event.schemaVersion()) {
            return value.payloadBytes();
        }
        return JdbcValues.jsonBytes(event.payload().toJson());
    }

    public boolean hasEvent() {
        return event != null;
    }
}
