package dev.agentlog.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * JSON codec of the envelope (contract section 1): parse, validate every rule at once, upcast, read
 * the typed payload; and back. Thread-safe. Unknown envelope fields are refused (a typo such as
 * {@code stream} for {@code stream_id} must not pass silently); unknown payload fields are kept.
 */
public final class EventCodec {
    /**
     * Arrays and objects inside each other, at most: far more than any Letta payload needs, and a bound on the
     * work (and the stack) a hostile document can ask of every reader of the log.
     */
    public static final int MAX_NESTING_DEPTH = 100;

    /** Shared mapper: exact decimals, so numbers in unknown fields survive a round trip unchanged. */
    public static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // "{...} garbage" is not one JSON value: refuse it rather than read the first part.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(new LocatingNodeFactory())
            .build();

    static final Set<String> ENVELOPE_FIELDS = Set.of("event_id", "type", "schema_version", "stream_id", "stream_seq",
            "agent_id", "organization_id", "occurred_at", "source", "actor", "tenant", "payload");

    /** Reads one value from a parser positioned on it (the mapper's own reader would insist on the end of input). */
    private static final ObjectReader VALUE_READER = JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        } catch (StreamConstraintsException e) {
            String message = e.getOriginalMessage();
            throw new InvalidEventException("$", message.contains("nesting depth")
                    ? "nests arrays and objects more than " + MAX_NESTING_DEPTH + " levels deep"
                    : "holds a value larger than the parser allows: " + message);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A parsed record value, and where its {@code payload} value's JSON text lies in the bytes it was parsed
     * from, so that a reader storing the payload as it came (the sink's {@code events.payload}) need not write
     * the tree back to text; likewise the payload's fields that hold an object or an array (a message's
     * {@code content}, an agent's {@code llm_config}) are {@link LocatedJson}, which the sink stores as they came in
     * jsonb columns.
     *
     * @param payloadStart the payload's first byte, -1 when the value has no top-level payload field
     * @param payloadEnd one past its last byte
     */
    public record Located(JsonNode tree, byte[] source, int payloadStart, int payloadEnd) {
        /** The payload's JSON text in UTF-8, as it came; null when there is none. */
        public byte[] payloadBytes() {
            return payloadStart < 0 ? null : Arrays.copyOfRange(source, payloadStart, payloadEnd);
        }

        /** Forgets where the payload's values came from: for a payload changed since (upcast). */
        public void forgetFieldLocations() {
            forgetLocations(tree.get("payload"));
        }
    }

    /** Like {@link #parse}, also locating the payload's text; the same tree, the same errors. */
    public static Located parseLocatingPayload(byte[] bytes) throws InvalidEventException {
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Located(parse(bytes), bytes, -1, -1);
            }
            ObjectNode object = JSON.getNodeFactory().objectNode();
            int payloadStart = -1;
            int payloadEnd = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                long start = p.currentTokenLocation().getByteOffset();
                JsonNode value = name.equals("payload") && p.currentToken() == JsonToken.START_OBJECT
                        ? objectLocatingFields(p, bytes) : scalarOrTree(p);
                if (name.equals("payload")) {
                    payloadStart = (int) start;
                    payloadEnd = (int) p.currentLocation().getByteOffset();
                }
                object.set(name, value);
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return new Located(parse(bytes), bytes, -1, -1); // let the plain parser say what is wrong
            }
            return new Located(object, bytes, payloadStart, payloadEnd);
        } catch (JsonProcessingException e) {
            return new Located(parse(bytes), bytes, -1, -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void forgetLocations(JsonNode payload) {
        if (payload != null) {
            for (JsonNode value : payload) {
                if (value instanceof LocatedJson located) {
                    located.forget();
                }
            }
        }
    }

    /** The object at the parser's START_OBJECT, field by field, locating each object or array value. */
    private static ObjectNode objectLocatingFields(JsonParser p, byte[] bytes) throws IOException {
        ObjectNode object = JSON.getNodeFactory().objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            long start = p.currentTokenLocation().getByteOffset();
            JsonNode value = scalarOrTree(p);
            LocatingNodeFactory.locate(value, bytes, (int) start, (int) p.currentLocation().getByteOffset());
            object.set(name, value);
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "payload: expected a field name or '}'");
        }
        return object;
    }

    /** The value at the parser's token: envelope fields are scalars, built here without a reader's context each. */
    private static JsonNode scalarOrTree(JsonParser p) throws IOException {
        JsonNodeFactory nodes = JSON.getNodeFactory();
        return switch (p.currentToken()) {
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> VALUE_READER.readTree(p);
            };
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> nodes.nullNode();
            default -> VALUE_READER.readTree(p);
        };
    }

    public Event fromJson(JsonNode node) throws InvalidEventException {
        if (!node.isObject()) {
            throw new InvalidEventException("$", "must be a JSON object, was " + node.getNodeType().name().toLowerCase());
        }
        List<Violation> violations = new ArrayList<>();
        StorableJson.check(node, violations);
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
        String tenant = tenant(node, violations);
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
                if (version.intValue() != type.currentVersion()) {
                    forgetLocations(payloadNode); // an upcaster may change what was read from the record
                }
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
                occurredAt, source, actor, tenant, payload);
    }

    /**
     * Decodes an event as a client sent it to ingest, owned by {@code tenant} (the tenant of the API key that
     * wrote it; {@code null}: no tenant). Whatever {@code tenant} field the client put in the JSON is ignored,
     * well-formed or not: a client can neither forge a tenant nor be refused for one. The node is not changed.
     */
    public Event fromClientJson(JsonNode node, String tenant) throws InvalidEventException {
        if (tenant != null) {
            Tenants.require(tenant, "the API key's tenant");
        }
        return fromJson(withoutTenant(node)).withTenant(tenant);
    }

    /** The object without its {@code tenant} field (a shallow copy when it has one); anything else as it is. */
    static JsonNode withoutTenant(JsonNode node) {
        if (!(node instanceof ObjectNode object) || !object.has("tenant")) {
            return node;
        }
        ObjectNode copy = JSON.getNodeFactory().objectNode();
        copy.setAll(object);
        copy.remove("tenant");
        return copy;
    }

    private static String tenant(JsonNode node, List<Violation> out) {
        JsonNode value = node.get("tenant");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            out.add(new Violation("tenant", "must be a string"));
            return null;
        }
        String problem = Tenants.problem(value.textValue());
        if (problem != null) {
            out.add(new Violation("tenant", problem));
            return null;
        }
        return value.textValue();
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
        putIfPresent(node, "tenant", event.tenant());
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
