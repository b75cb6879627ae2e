package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The upcasting seam: a chain of {@link Upcaster}s keyed by (type, version), applied to a raw payload
 * until it reaches the type's current version, before it is read. Nobody downstream ever sees an old
 * version. A version newer than the newest known, or a gap in the chain, is an error, never a guess.
 */
public final class Upcasters {
    private final Map<EventType, Map<Integer, Upcaster>> chain = new HashMap<>();

    /** The upcasters of the catalogue as shipped. */
    public static Upcasters standard() {
        return new Upcasters().register(EventType.MESSAGE_CREATED, 1, Upcasters::legacyTextToContentParts);
    }

    public Upcasters register(EventType type, int fromVersion, Upcaster upcaster) {
        if (fromVersion < 1 || fromVersion >= type.currentVersion()) {
            throw new IllegalArgumentException(type + " has no version " + (fromVersion + 1) + " to upcast " + fromVersion + " to");
        }
        chain.computeIfAbsent(type, t -> new HashMap<>()).put(fromVersion, upcaster);
        return this;
    }

    /** The payload at the type's current version. */
    public ObjectNode upcast(EventType type, int version, ObjectNode payload) throws InvalidEventException {
        if (version > type.currentVersion()) {
            throw new InvalidEventException("schema_version", RuleCode.UNSUPPORTED_VERSION,
                    version + " is newer than the newest known for " + type + " (" + type.currentVersion() + ")");
        }
        ObjectNode current = payload;
        for (int v = version; v < type.currentVersion(); v++) {
            Upcaster step = chain.getOrDefault(type, Map.of()).get(v);
            if (step == null) {
                throw new InvalidEventException("schema_version", RuleCode.UNSUPPORTED_VERSION, "no upcaster from version " + v + " of " + type);
            }
            current = step.upcast(current);
        }
        return current;
    }

    /**
     * message.created 1 -> 2. Version 1 allowed Letta's legacy {@code text} column beside {@code content};
     * version 2 carries content parts only. A legacy text with no content becomes one text part; when
     * both are present the content wins and {@code text} travels on as an unknown field, so nothing is lost.
     */
    static ObjectNode legacyTextToContentParts(ObjectNode payload) {
        JsonNode text = payload.get("text");
        JsonNode content = payload.get("content");
        if (text == null || !text.isTextual() || (content != null && !content.isNull())) {
            return payload;
        }
        ObjectNode upcast = payload.deepCopy();
        upcast.remove("text");
        ArrayNode parts = JsonNodeFactory.instance.arrayNode();
        parts.addObject().put("type", "text").put("text", text.textValue());
        upcast.set("content", parts);
        return upcast;
    }
}
