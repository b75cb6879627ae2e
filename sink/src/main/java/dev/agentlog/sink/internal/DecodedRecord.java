package dev.agentlog.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
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
    /** @param tree the parsed record value the event was read from */
    public static DecodedRecord of(SinkRecord record, Event event, JsonNode tree) {
        return new DecodedRecord(record, event, JdbcValues.jsonBytes(payloadOf(event, tree)), null);
    }

    public static DecodedRecord refused(SinkRecord record, String rule) {
        return new DecodedRecord(record, null, null, rule);
    }

    /** The payload as it came (the log of record is at the current version already); re-written only if upcast. */
    private static JsonNode payloadOf(Event event, JsonNode tree) {
        JsonNode version = tree.get("schema_version");
        JsonNode payload = tree.get("payload");
        if (payload != null && version != null && version.asInt() == event.schemaVersion()) {
            return payload;
        }
        return event.payload().toJson();
    }

    public boolean hasEvent() {
        return event != null;
    }
}
