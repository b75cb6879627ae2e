package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * A payload whose personal fields are sealed (encrypted with its subject's data key, docs/privacy.md), as a reader
 * without the key sees it: the clear fields ({@link Sealing#CLEAR_FIELDS}) and the {@value Sealing#FIELD} object. The
 * processor passes such payloads on as they are (it needs none of their content); a reader with the key store opens
 * them ({@link PayloadOpener}) into the typed payload they were.
 *
 * @param type the event type of the payload inside
 * @param sealedVersion the schema version the payload was sealed at (it is upcast once opened)
 * @param json the payload as written in the log, not copied: do not change it
 * @param erased whether a reader that has the key store found the subject erased: the payload will never open again,
 *     and readers show nothing of it. False where no key store was asked (the processor), which must never fold it.
 */
public record SealedPayload(EventType type, int sealedVersion, ObjectNode json, boolean erased) implements Payload {
    public SealedPayload {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
        if (!json.has(Sealing.FIELD)) {
            throw new IllegalArgumentException("a sealed payload has a " + Sealing.FIELD + " field");
        }
    }

    /**
     * The payload of an event of a subject found erased by other means than its key (the sink met the
     * {@code subject.erased} before it in the same batch, after opening it with a key read before): shows nothing.
     */
    public static SealedPayload erasedOf(EventType type) {
        return new SealedPayload(type, type.currentVersion(), Sealing.erasedPayload(), true);
    }

    /** The subject whose key sealed it. */
    public String subject() {
        return json.get(Sealing.FIELD).path("subject").asText();
    }

    /** Nothing is unknown: the sealed fields are not readable here, and the clear ones are the catalogue's. */
    @Override
    public Map<String, JsonNode> unknown() {
        return Map.of();
    }

    @Override
    public ObjectNode toJson() {
        return json.deepCopy();
    }
}
