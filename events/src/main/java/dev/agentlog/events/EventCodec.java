package dev.agentlog.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
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
    /**
     * Arrays and objects inside each other, at most: far more than any Letta payload needs, and a bound on the
     * work (and the stack) a hostile document can ask of every reader of the log.
     */
    public static final int MAX_NESTING_DEPTH = 100;

    /** Shared mapper: exact decimals, so numbers in unknown fields survive a round trip unchanged. */
    public static final ObjectMapper JSON = mapperBuilder().build();

    static final Set<String> ENVELOPE_FIELDS = Set.of("event_id", "type", "schema_version", "stream_id", "stream_seq",
            "agent_id", "organization_id", "occurred_at", "source", "actor", "tenant", "payload");

    private final Upcasters upcasters;
    private final PayloadSealer sealer;
    private final PayloadOpener opener;
    private final PayloadOpener.PlaintextParser openedParser;

    public EventCodec(Upcasters upcasters) {
        this(upcasters, PayloadSealer.NONE, null, EventCodec::parse);
    }

    private EventCodec(Upcasters upcasters, PayloadSealer sealer, PayloadOpener opener,
            PayloadOpener.PlaintextParser openedParser) {
        this.upcasters = upcasters;
        this.sealer = sealer;
        this.opener = opener;
        this.openedParser = openedParser;
    }

    /**
     * This codec, sealing what clients send ({@link #fromClientJson}) and what {@link #seal} is given: the edge's codec
     * with encryption on (docs/privacy.md).
     */
    public EventCodec sealingWith(PayloadSealer newSealer) {
        return new EventCodec(upcasters, java.util.Objects.requireNonNull(newSealer, "sealer"), opener, openedParser);
    }

    /**
     * This codec, opening sealed payloads as it decodes them: a reader with the key store gets the typed payloads, and
     * an erased subject's events with a {@link SealedPayload} marked {@link SealedPayload#erased() erased}. Without an
     * opener a sealed payload decodes into a {@link SealedPayload} that is not erased (the processor's view).
     */
    public EventCodec openingWith(PayloadOpener newOpener) {
        return new EventCodec(upcasters, sealer, java.util.Objects.requireNonNull(newOpener, "opener"), openedParser);
    }

    /**
     * This codec, reading the plaintext of the payloads it opens at their type's current version with {@code parser}
     * (the sink's, which locates the payload's values in the plaintext as it does in a clear record, so that a sealed
     * event costs one parse of its payload as a clear one does, and its jsonb values are not written back to text).
     * Payloads at an older version, which an upcaster may change, are read by {@link #parse(byte[])}.
     */
    public EventCodec parsingOpenedWith(PayloadOpener.PlaintextParser parser) {
        return new EventCodec(upcasters, sealer, opener, java.util.Objects.requireNonNull(parser, "parser"));
    }

    /** Tells the opener, if any, to forget these subjects' keys: their {@code subject.erased} was read. */
    public void forget(java.util.Collection<String> subjects) {
        if (opener != null) {
            opener.forget(subjects);
        }
    }

    /**
     * Tells the opener, if any, that payloads of these subjects come next (a reader's batch: the record keys, which
     * name the streams, and so the subjects of nearly all their events), so that it reads their keys in one go.
     */
    public void prefetch(java.util.Collection<String> subjects) {
        if (opener != null) {
            opener.prefetch(subjects);
        }
    }

    /** Whether this codec opens sealed payloads. */
    public boolean opens() {
        return opener != null;
    }

    /** The event with its payload sealed when this codec seals (else as it is). */
    public Event seal(Event event) throws InvalidEventException {
        return sealer.seal(event);
    }

    public static EventCodec standard() {
        return new EventCodec(Upcasters.standard());
    }

    /**
     * The contract's JSON reading as a mapper builder: nesting bounded by {@link #MAX_NESTING_DEPTH}, exact decimals
     * (so numbers in unknown fields survive a round trip unchanged), one JSON value per text. {@link #JSON} is built
     * from it; a reader that wants its own node factory (the sink's, which remembers where values lie in the record)
     * builds its own from it and sets the factory, which must keep exact decimals.
     */
    public static JsonMapper.Builder mapperBuilder() {
        return JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                        .build())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // "{...} garbage" is not one JSON value: refuse it rather than read the first part.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // a character outside the BMP (an emoji) written as 4 bytes of UTF-8, not as an escaped surrogate
                // pair: Jackson's UTF-8 parser refuses an escaped pair in a field name ("Illegal surrogate
                // character"), so an event with such a name in its payload would not decode after an encode
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    }

    public Event decode(byte[] bytes) throws InvalidEventException {
        return fromJson(parse(bytes));
    }

    /** Parses JSON text; the error names what is wrong with it. */
    public static JsonNode parse(byte[] bytes) throws InvalidEventException {
        return parse(JSON, bytes);
    }

    /** As {@link #parse(byte[])} with a mapper built from {@link #mapperBuilder()}: the same errors. */
    public static JsonNode parse(ObjectMapper mapper, byte[] bytes) throws InvalidEventException {
        try (JsonParser p = mapper.createParser(bytes)) {
            try {
                JsonNode node = mapper.readTree(p);
                if (node == null || node.isMissingNode()) {
                    throw new InvalidEventException("$", RuleCode.NOT_JSON, "is empty, expected a JSON object");
                }
                return node;
            } catch (StreamConstraintsException e) {
                // which limit: the parser's depth where it stopped tells, not the words of its message
                throw new InvalidEventException("$", RuleCode.TOO_LARGE,
                        p.getParsingContext() != null && p.getParsingContext().getNestingDepth() >= MAX_NESTING_DEPTH
                                ? "nests arrays and objects more than " + MAX_NESTING_DEPTH + " levels deep"
                                : "holds a value larger than the parser allows: " + e.getOriginalMessage());
            } catch (JsonProcessingException e) {
                throw new InvalidEventException("$", RuleCode.NOT_JSON, "is not valid JSON: " + e.getOriginalMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Event fromJson(JsonNode node) throws InvalidEventException {
        if (!node.isObject()) {
            throw new InvalidEventException("$", RuleCode.WRONG_TYPE, "must be a JSON object, was " + node.getNodeType().name().toLowerCase());
        }
        List<Violation> violations = new ArrayList<>();
        StorableJson.check(node, violations);
        node.fieldNames().forEachRemaining(name -> {
            if (!ENVELOPE_FIELDS.contains(name)) {
                violations.add(new Violation(name, RuleCode.UNKNOWN_FIELD, "is not an envelope field (payload fields go inside payload)"));
            }
        });
        String eventId = text(node, "event_id", true, Event.MAX_EVENT_ID_CHARS, violations);
        String typeName = text(node, "type", true, Integer.MAX_VALUE, violations);
        EventType type = null;
        if (typeName != null) {
            type = EventType.fromWireName(typeName).orElse(null);
            if (type == null) {
                violations.add(new Violation("type", RuleCode.UNKNOWN_TYPE, "unknown event type '" + typeName + "'"));
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
                violations.add(new Violation("occurred_at", RuleCode.NOT_A_TIMESTAMP,
                        "must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z, was '" + occurred + "'"));
            }
        }
        JsonNode payloadNode = node.get("payload");
        if (payloadNode == null || payloadNode.isNull()) {
            violations.add(new Violation("payload", RuleCode.REQUIRED, "is required"));
        } else if (!payloadNode.isObject()) {
            violations.add(new Violation("payload", RuleCode.WRONG_TYPE, "must be a JSON object"));
        }
        if (version != null && version > Integer.MAX_VALUE) {
            violations.add(new Violation("schema_version", RuleCode.UNSUPPORTED_VERSION, "is too large"));
            version = null;
        }
        Payload payload = null;
        int schemaVersion = type != null ? type.currentVersion() : 0;
        if (type != null && version != null && payloadNode != null && payloadNode.isObject()) {
            try {
                ObjectNode plain = (ObjectNode) payloadNode;
                boolean staysSealed = false;
                if (Sealing.isSealed(plain)) {
                    boolean erasedForm = Sealing.isErasedForm(plain);
                    ObjectNode opened = opener != null && eventId != null && !erasedForm
                            ? opener.open(eventId, type, plain, version == type.currentVersion()
                                    ? openedParser : EventCodec::parse) : null;
                    if (opened == null) {
                        payload = sealed(type, version.intValue(), plain,
                                erasedForm || (opener != null && eventId != null), violations);
                        schemaVersion = version.intValue();
                        staysSealed = true;
                    } else {
                        plain = opened;
                    }
                }
                if (!staysSealed) {
                    ObjectNode current = upcasters.upcast(type, version.intValue(), plain);
                    PayloadReader reader = new PayloadReader(current);
                    payload = type.readPayload(reader);
                    violations.addAll(reader.violations());
                }
            } catch (InvalidEventException e) {
                violations.addAll(e.violations());
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        return new Event(eventId, type, schemaVersion, streamId, streamSeq, agentId, organizationId,
                occurredAt, source, actor, tenant, payload);
    }

    /**
     * A payload that stays sealed: its shape checked, and its clear fields by the type's own rules (a rule that a
     * sealed field is required is not checked here: the edge checked it before sealing).
     */
    private static SealedPayload sealed(EventType type, int version, ObjectNode payload, boolean erased,
            List<Violation> violations) {
        if (version > type.currentVersion()) {
            violations.add(new Violation("schema_version", RuleCode.UNSUPPORTED_VERSION, "version " + version
                    + " of " + type.wireName() + " is newer than this agentlog knows (" + type.currentVersion() + ")"));
            return null;
        }
        List<Violation> shape = Sealing.shapeViolations(payload);
        violations.addAll(shape);
        if (shape.isEmpty() && version == type.currentVersion() && !Sealing.isErasedForm(payload)) {
            ObjectNode clear = payload.deepCopy();
            clear.remove(Sealing.FIELD);
            PayloadReader reader = new PayloadReader(clear);
            try {
                type.readPayload(reader);
            } catch (RuntimeException e) {
                // a payload record refusing the nulls of its sealed fields: those are not checked here
            }
            for (Violation v : reader.violations()) {
                String field = v.field().substring("payload.".length()).split("[.\\[]", 2)[0];
                if (v.code() != RuleCode.REQUIRED || Sealing.CLEAR_FIELDS.contains(field)) {
                    violations.add(v);
                }
            }
        }
        return violations.isEmpty() ? new SealedPayload(type, version, payload, erased) : null;
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
        List<Violation> reserved = new ArrayList<>();
        if (Sealing.isSealed(node.get("payload"))) {
            reserved.add(new Violation("payload." + Sealing.FIELD, RuleCode.NOT_ALLOWED,
                    "is reserved: agentlog seals payloads itself (docs/privacy.md)"));
        }
        if (EventType.SUBJECT_ERASED.wireName().equals(node.path("type").asText(null))) {
            reserved.add(new Violation("type", RuleCode.NOT_ALLOWED,
                    "subject.erased is written by agentlog erase only (docs/privacy.md)"));
        }
        if (!reserved.isEmpty()) {
            throw new InvalidEventException(reserved);
        }
        return sealer.seal(fromJson(withoutTenant(node)).withTenant(tenant));
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
            out.add(new Violation("tenant", RuleCode.WRONG_TYPE, "must be a string"));
            return null;
        }
        String problem = Tenants.problem(value.textValue());
        if (problem != null) {
            out.add(new Violation("tenant", RuleCode.TENANT_FORMAT, problem));
            return null;
        }
        return value.textValue();
    }

    private static String text(JsonNode node, String name, boolean required, int maxChars, List<Violation> out) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                out.add(new Violation(name, RuleCode.REQUIRED, "is required"));
            }
            return null;
        }
        if (!value.isTextual()) {
            out.add(new Violation(name, RuleCode.WRONG_TYPE, "must be a string"));
            return null;
        }
        String text = value.textValue();
        if (required && text.isEmpty()) {
            out.add(new Violation(name, RuleCode.EMPTY, "must not be empty"));
            return null;
        }
        if (text.length() > maxChars) {
            out.add(new Violation(name, RuleCode.TOO_LONG, "must be at most " + maxChars + " characters, was " + text.length()));
            return null;
        }
        return text;
    }

    private static Long integer(JsonNode node, String name, boolean required, List<Violation> out) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                out.add(new Violation(name, RuleCode.REQUIRED, "is required"));
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            out.add(new Violation(name, RuleCode.WRONG_TYPE, "must be an integer"));
            return null;
        }
        if (value.longValue() < 1) {
            out.add(new Violation(name, RuleCode.OUT_OF_RANGE, "must be >= 1, was " + value.longValue()));
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

    /**
     * Serializes the event and reads it back as the processor will: the bytes to send, and the event they hold, which
     * breaks no rule of the contract (an {@link Event} built in code can, e.g. a payload the catalogue refuses).
     *
     * @throws InvalidEventException naming every rule the event breaks
     */
    public EncodedEvent encodeChecked(Event event) throws InvalidEventException {
        byte[] bytes = encode(event);
        return new EncodedEvent(decode(bytes), bytes);
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
