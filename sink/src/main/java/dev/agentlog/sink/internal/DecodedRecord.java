package dev.agentlog.sink.internal;

import dev.agentlog.sink.jdbc.JdbcValues;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.SinkRecord;

/**
 * A record after decoding, parsed once: its event and where its payload's JSON text is, or why it is refused
 * (then it only advances its partition's offset).
 *
 * @param value the parsed record value, when its payload is stored as it came (not upcast); else null
 * @param upcastPayload the payload written from the upcast event; null when {@code value} is set or refused
 * @param refusal null for an event to apply; else the rule it broke (already dead-lettered)
 */
public record DecodedRecord(SinkRecord record, Event event, EventCodec.Located value, byte[] upcastPayload,
        String refusal) {
    /** @param value the parsed record value the event was read from */
    public static DecodedRecord of(SinkRecord record, Event event, EventCodec.Located value) {
        // the log of record is at the current version already: its text is stored as it came (writing the tree back
        // to JSON was a sixth of the sink's CPU); an upcast payload is written from the event (and the codec forgot
        // where its values came from)
        JsonNode version = value.tree().get("schema_version");
        if (value.payloadStart() >= 0 && version != null && version.asInt() == event.schemaVersion()) {
            return new DecodedRecord(record, event, value, null, null);
        }
        return new DecodedRecord(record, event, null, JdbcValues.jsonBytes(event.payload().toJson()), null);
    }

    public static DecodedRecord refused(SinkRecord record, String rule) {
        return new DecodedRecord(record, null, null, null, rule);
    }

    public boolean hasEvent() {
        return event != null;
    }

    /** The payload as a jsonb value of the row being copied, straight from the record's bytes. */
    void copyPayload(BinaryCopy copy) {
        if (value != null) {
            copy.jsonb(value.source(), value.payloadStart(), value.payloadEnd() - value.payloadStart());
        } else {
            copy.jsonb(upcastPayload);
        }
    }

    /** The payload as JSON text in UTF-8. */
    byte[] payloadJson() {
        return value != null ? value.payloadBytes() : upcastPayload;
    }
}
