package dev.agentlog.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Event JSON for the tests: small agent-stream events with or without stream_seq. */
final class TestEvents {
    private TestEvents() {}

    /** A block.attached event of an agent stream; the payload names the event so outputs are easy to compare. */
    static String attached(String eventId, String streamId, Long streamSeq) {
        return """
            {"event_id":"%s","type":"block.attached","schema_version":1,"stream_id":"%s",%s\
            "occurred_at":"2026-11-24T10:00:00Z","payload":{"block_id":"block-%s","label":"human"}}"""
                .formatted(eventId, streamId, streamSeq == null ? "" : "\"stream_seq\":" + streamSeq + ",", eventId);
    }

    static String attached(String eventId, String streamId) {
        return attached(eventId, streamId, null);
    }

    /** {@link #attached(String, String, Long)} written by {@code tenant} (null: no tenant field at all). */
    static String attachedBy(String tenant, String eventId, String streamId, Long streamSeq) {
        String json = attached(eventId, streamId, streamSeq);
        return tenant == null ? json : json.replaceFirst("\\{", "{\"tenant\":\"" + tenant + "\",");
    }

    static String tenant(byte[] json) {
        JsonNode tenant = parse(json).get("tenant");
        return tenant == null ? null : tenant.asText();
    }

    static ObjectNode parse(byte[] json) {
        try {
            return (ObjectNode) EventCodec.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String eventId(byte[] json) {
        return parse(json).get("event_id").asText();
    }

    static long streamSeq(byte[] json) {
        JsonNode seq = parse(json).get("stream_seq");
        return seq == null ? -1 : seq.asLong();
    }
}
