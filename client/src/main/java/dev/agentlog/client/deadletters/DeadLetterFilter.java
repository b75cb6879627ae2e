package dev.agentlog.client.deadletters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import java.nio.charset.StandardCharsets;

/**
 * Which dead letters {@code dlq list} prints: by reason ({@code conflict}, {@code gap}, ...; any reason a
 * writer used, not only the processor's) and by stream (the record key, or the stream_id inside the value when
 * the key is missing). {@code null} means any.
 */
public record DeadLetterFilter(String reason, String streamId) {

    public static DeadLetterFilter all() {
        return new DeadLetterFilter(null, null);
    }

    public DeadLetterFilter withReason(String value) {
        return new DeadLetterFilter(value, streamId);
    }

    public DeadLetterFilter withStream(String value) {
        return new DeadLetterFilter(reason, value);
    }

    /** Whether a line as {@link DeadLetters#toJson} makes it is selected. */
    public boolean matches(ObjectNode line) {
        if (reason != null && !reason.equals(text(line, "reason"))) {
            return false;
        }
        return streamId == null || streamId.equals(streamOf(line));
    }

    private static String streamOf(ObjectNode line) {
        if ("utf8".equals(text(line, "key_encoding")) && line.hasNonNull("key")) {
            return line.get("key").asText();
        }
        if (!"utf8".equals(text(line, "value_encoding")) || !line.hasNonNull("value")) {
            return null;
        }
        try {
            JsonNode value = EventCodec.parse(line.get("value").asText().getBytes(StandardCharsets.UTF_8));
            JsonNode stream = value.get("stream_id");
            return stream != null && stream.isTextual() ? stream.asText() : null;
        } catch (InvalidEventException e) {
            return null;
        }
    }

    private static String text(ObjectNode line, String field) {
        JsonNode node = line.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
