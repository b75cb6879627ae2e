package dev.agentlog.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Refusal;
import dev.agentlog.events.RuleCode;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.jdbc.JdbcValues;

/**
 * A record after decoding, parsed once: its event and where its payload's JSON text is, or why it is refused
 * (then it only advances its partition's offset).
 *
 * @param value the parsed record value, when its payload is stored as it came (not upcast); else null
 * @param upcastPayload the payload written from the upcast event; null when {@code value} is set or refused
 * @param refusal null for an event to apply; else why it is refused (already dead-lettered)
 */
public record DecodedRecord(SinkRecord record, Event event, LocatedValue value, byte[] upcastPayload,
        Refusal refusal) {
    /** The payload stored in {@code events} for an erased subject's event: nothing of it (docs/privacy.md). */
    private static final byte[] ERASED_PAYLOAD = JdbcValues.jsonBytes(dev.agentlog.events.Sealing.erasedPayload());

    /**
     * Parses the record's value once, remembering where its payload's values lie, and decodes the event from that
     * tree; a value that is not an event of the contract is refused.
     */
    public static DecodedRecord decode(SinkRecord record, EventCodec codec) {
        if (record.value() == null) {
            return refused(record, Refusal.of(new InvalidEventException("$", RuleCode.NOT_JSON,
                    "a record of the log of record has no value")));
        }
        try {
            LocatedValue value = LocatedValue.parse(record.value());
            if (!atCurrentVersion(value.tree())) {
                value.forgetFieldLocations(); // an upcaster may change what was read from the record
            }
            return of(record, codec.fromJson(value.tree()), value);
        } catch (InvalidEventException e) {
            return refused(record, Refusal.of(e));
        }
    }

    /** Whether the value names a known type at its current schema version: its payload is then read as it came. */
    private static boolean atCurrentVersion(JsonNode tree) {
        JsonNode type = tree.get("type");
        JsonNode version = tree.get("schema_version");
        return type != null && type.isTextual() && version != null && version.canConvertToInt()
                && EventType.fromWireName(type.textValue()).map(t -> t.currentVersion() == version.intValue())
                        .orElse(false);
    }

    /** @param value the parsed record value the event was read from */
    static DecodedRecord of(SinkRecord record, Event event, LocatedValue value) {
        if (event.payload() instanceof SealedPayload sealed && sealed.erased()) {
            return erased(record, event);
        }
        // the log of record is at the current version already: its text is stored as it came (writing the tree back
        // to JSON was a sixth of the sink's CPU); an upcast payload is written from the event
        JsonNode version = value.tree().get("schema_version");
        if (value.payloadStart() >= 0 && version != null && version.asInt() == event.schemaVersion()) {
            return new DecodedRecord(record, event, value, null, null);
        }
        return new DecodedRecord(record, event, null, JdbcValues.jsonBytes(event.payload().toJson()), null);
    }

    /** An erased subject's event: its events row keeps the envelope and the erased payload; it folds nothing. */
    public static DecodedRecord erased(SinkRecord record, Event event) {
        return new DecodedRecord(record, event, null, ERASED_PAYLOAD, null);
    }

    public static DecodedRecord refused(SinkRecord record, Refusal refusal) {
        return new DecodedRecord(record, null, null, null, refusal);
    }

    /** Whether the record's payload was sealed (the event's payload was opened with its subject's key). */
    public boolean wasSealed() {
        return value != null && dev.agentlog.events.Sealing.isSealed(value.tree().get("payload"));
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
