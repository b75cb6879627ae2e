package dev.agentlog.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * JSON codec of the envelope (contract section 1): parse, validate every rule at once, upcast, read
 * the typed payload; and back. Thread-safe. Unknown envelope fields are refused (a typo such as
 * {@code stream} for {@code stream_id} must not pass silently); unknown payload fields are kept.
 */
public final class EventCodec {
    /** Shared mapper: exact decimals, so numbers in unknown fields survive a round trip unchanged. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // "{...} garbage" is not one JSON value: refuse it rather than read the first part.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    static final Set<String> ENVELOPE_FIELDS = Set.of("event_id", "type", "schema_version", "stream_id", "stream_seq",
            "agent_id", "organization_id", "occurred_at", "source", "actor", "payload");

    private final Upcasters upcasters;

    public EventCodec(Upcasters upcasters) {
        this.upcasters = upcasters;
    }

    public static EventCodec standard() {
        return new EventCodec(Upcasters.standard());
    }

    public Event decode(byte[] bytes) throws InvalidEventException {
        return fromJson(parse(bytes));
    }

    /** Parses JSON text; the error names what is wrong with it. */
    public static JsonNode parse(byte[] bytes) throws InvalidEventException {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new InvalidEventException("$", "is empty, expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Event fromJson(JsonNode node) throws InvalidEventException {
        if (!node.isObject()) {
            throw new InvalidEventException("$", "must be a JSON object, was " + node.getNodeType().name().toLowerCase());
        }
        List<Violation> violations = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!ENVELOPE_FIELDS.contains(name)) {
                violations.add(new Violation(name, "is not an envelope field (payload fields go inside payload)"));
            }
        });
        String eventId = text(node, "event_id", true, Event.MAX_EVENT_ID_CHARS, violations);
        String typeName = text(node, "type", true, Integer.MAX_VALUE, violations);
        EventType type = null;
        if (typeName != null) {
            type = EventType.fromWireName(typeName).orElse(null);
            if (type == null) {
                violations.add(new Violation("type", "unknown event type '" + typeName + "'"));
            }
        }
        Long version = integer(node, "schema_version", true, violations);
        String streamId = text(node, "stream_id", true, Event.MAX_STREAM_ID_CHARS, violations);
        Long streamSeq = integer(node, "stream_seq", false, violations);
        String agentId = text(node, "agent_id", false, Integer.MAX_VALUE, violations);
        String organizationId = text(node, "organization_id", false, Integer.MAX_VALUE, violations);
        String source = text(node, "source", false, Integer.MAX_VALUE, violations);
        String actor = text(node, "actor", false, Integer.MAX_VALUE, violations);
        OffsetDateTime occurredAt = null;
        String occurred = text(node, "occurred_at", true, Integer.MAX_VALUE, violations);
        if (occurred != null) {
            occurredAt = Timestamps.parse(occurred).orElse(null);
            if (occurredAt == null) {
                violations.add(new Violation("occurred_at",
                        "must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z, was '" + occurred + "'"));
            }
        }
        JsonNode payloadNode = node.get("payload");
        if (payloadNode == null || payloadNode.isNull()) {
            violations.add(new Violation("payload", "is required"));
        } else if (!payloadNode.isObject()) {
            violations.add(new Violation("payload", "must be a JSON object"));
        }
        if (version != null && version > Integer.MAX_VALUE) {
            violations.add(new Violation("schema_version", "is too large"));
            version = null;
        }
        Payload payload = null;
        if (type != null && version != null && payloadNode != null && payloadNode.isObject()) {
            try {
                ObjectNode current = upcasters.upcast(type, version.intValue(), (ObjectNode) payloadNode);
                PayloadReader reader = new PayloadReader(current);
                payload = type.readPayload(reader);
                violations.addAll(reader.violations());
            } catch (InvalidEventException e) {
                violations.addAll(e.violations());
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        return new Event(eventId, type, type.currentVersion(), streamId, streamSeq, agentId, organizationId,
                occurredAt, source, actor, payload);
    }

    private static String text(JsonNode node, String name, boolean required, int maxChars, List<Violation> out) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                out.add(new Violation(name, "is required"));
            }
            return null;
        }
        if (!value.isTextual()) {
            out.add(new Violation(name, "must be a string"));
            return null;
        }
        String text = value.textValue();
        if (required && text.isEmpty()) {
            out.add(new Violation(name, "must not be empty"));
            return null;
        }
        if (text.length() > maxChars) {
            out.add(new Violation(name, "must be at most " + maxChars + " characters, was " + text.length()));
            return null;
        }
        return text;
    }

    private static Long integer(JsonNode node, String name, boolean required, List<Violation> out) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                out.add(new Violation(name, "is required"));
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            out.add(new Violation(name, "must be an integer"));
            return null;
        }
        if (value.longValue() < 1) {
            out.add(new Violation(name, "must be >= 1, was " + value.longValue()));
            return null;
        }
        return value.longValue();
    }

    public ObjectNode toJson(Event event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event_id", event.eventId());
        node.put("type", event.type().wireName());
        node.put("schema_version", event.schemaVersion());
        node.put("stream_id", event.streamId());
        if (event.streamSeq() != null) {
            node.put("stream_seq", event.streamSeq());
        }
        putIfPresent(node, "agent_id", event.agentId());
        putIfPresent(node, "organization_id", event.organizationId());
        node.put("occurred_at", Timestamps.format(event.occurredAt()));
        putIfPresent(node, "source", event.source());
        putIfPresent(node, "actor", event.actor());
        node.set("payload", event.payload().toJson());
        return node;
    }

    public byte[] encode(Event event) {
        try {
            return JSON.writeValueAsBytes(toJson(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize event " + event.eventId(), e);
        }
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}
