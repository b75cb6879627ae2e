package dev.agentlog.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.sink.SinkRecord;

/**
 * A record after decoding, parsed once: its event and JSON tree, or why it is refused (then it only
 * advances its partition's offset).
 *
 * @param tree the parsed value, the source of {@code events.payload} (null when refused)
 * @param refusal null for an event to apply; else the rule it broke (already dead-lettered)
 */
public record DecodedRecord(SinkRecord record, Event event, JsonNode tree, String refusal) {
    public static DecodedRecord of(SinkRecord record, Event event, JsonNode tree) {
        return new DecodedRecord(record, event, tree, null);
    }

    public static DecodedRecord refused(SinkRecord record, String rule) {
        return new DecodedRecord(record, null, null, rule);
    }

    public boolean hasEvent() {
        return event != null;
    }
}
