package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The contract's shape of a sealed payload (docs/privacy.md). With encryption on, the edge (ingest, cdc, import)
 * replaces an event's payload by
 *
 * <pre>{"message_id": "...", "role": "user", "created_at": "...",
 *  "$sealed": {"v": 1, "subject": "agent-...", "ct": "&lt;base64 of the AEAD ciphertext of the whole payload&gt;"}}</pre>
 *
 * The ciphertext holds the whole payload as the contract's JSON; beside it stay in clear only the fields named in
 * {@link #CLEAR_FIELDS}, copies of the ones inside: ids that routing, the history indexes and the point-in-time
 * queries look up in the {@code events} table, positions, versions, roles and timestamps. Everything else (text,
 * values, prompts, tool calls, embeddings, metadata, and every field this version does not know) is sealed. The
 * envelope is never sealed. The cryptography is not here: the {@code events} module only knows the shape, and a
 * {@link PayloadSealer} and a {@link PayloadOpener} of the {@code privacy} module do the work.
 */
public final class Sealing {
    /** The payload field that holds the sealed part; reserved (ingest refuses a client's payload that has it). */
    public static final String FIELD = "$sealed";
    /** The version of the {@value #FIELD} object's format: 1 = a Tink AEAD (AES-256-GCM) ciphertext, base64. */
    public static final int FORMAT = 1;

    /**
     * Payload fields kept in clear beside the ciphertext (by name, in any event type). Not personal content: ids
     * (pseudonymous, and the agent's id is the stream id anyway), positions, versions, roles, timestamps and flags.
     */
    public static final Set<String> CLEAR_FIELDS = Set.of("message_id", "message_ids", "block_id", "archive_id",
            "passage_id", "conversation_id", "conversation_message_id", "file_agent_id", "file_id", "source_id",
            "tool_id", "identity_id", "group_id", "step_id", "run_id", "otid", "tool_call_id", "role", "version",
            "created_at", "source_sequence", "position", "in_context", "deleted", "read_only", "limit", "is_open",
            "start_line", "end_line", "last_accessed_at", "last_message_at", "table", "op", "unchanged");

    private Sealing() {}

    /**
     * The payload an erased subject's event keeps in the {@code events} table (and what a rebuild writes there for it):
     * {@code {"$sealed": {"v": 1, "erased": true}}}. Every reader knows it without a key store and shows nothing of it.
     */
    public static ObjectNode erasedPayload() {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.putObject(FIELD).put("v", FORMAT).put("erased", true);
        return out;
    }

    /** Whether a sealed payload is the erased form ({@link #erasedPayload()}). */
    public static boolean isErasedForm(JsonNode payload) {
        return isSealed(payload) && payload.get(FIELD).path("erased").asBoolean(false);
    }

    /** Whether a payload object is sealed. */
    public static boolean isSealed(JsonNode payload) {
        return payload != null && payload.isObject() && payload.has(FIELD);
    }

    /** The clear part of a plaintext payload: its fields of {@link #CLEAR_FIELDS}, in their order. */
    public static ObjectNode clearPart(ObjectNode payload) {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        payload.fields().forEachRemaining(f -> {
            if (CLEAR_FIELDS.contains(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        });
        return out;
    }

    /**
     * The associated data of a payload's ciphertext: the event id, its type and its subject, so that a ciphertext
     * moved into another event, or another subject's name put beside it, does not open.
     */
    public static byte[] associatedData(String eventId, EventType type, String subject) {
        return (eventId + '\u0000' + type.wireName() + '\u0000' + subject).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What is wrong with the shape of a sealed payload (not its cryptography): an empty list when nothing. */
    /**
     * The ciphertext of a sealed payload's {@code ct} value: the bytes a reader decoded as it parsed the record
     * ({@link Base64TextNode}, not a copy: not to be changed), else its text decoded from base64.
     *
     * @throws IllegalArgumentException when the text is not base64
     */
    public static byte[] ciphertext(JsonNode ct) {
        if (ct instanceof Base64TextNode text && text.decoded() != null) {
            return text.decoded();
        }
        return Base64.getDecoder().decode(ct.asText(""));
    }

    static List<Violation> shapeViolations(ObjectNode payload) {
        List<Violation> out = new ArrayList<>();
        String at = "payload." + FIELD;
        JsonNode sealed = payload.get(FIELD);
        if (!sealed.isObject()) {
            out.add(new Violation(at, RuleCode.WRONG_TYPE, "must be a JSON object"));
            return out;
        }
        if (sealed.path("erased").asBoolean(false)) {
            if (payload.size() != 1 || sealed.size() != 2 || sealed.path("v").asInt() != FORMAT) {
                out.add(new Violation(at, RuleCode.NOT_ALLOWED, "an erased payload is {\"" + FIELD
                        + "\": {\"v\": 1, \"erased\": true}} and nothing else"));
            }
            return out;
        }
        JsonNode v = sealed.get("v");
        if (v == null || !v.isIntegralNumber() || v.asInt() != FORMAT) {
            out.add(new Violation(at + ".v", RuleCode.UNSUPPORTED_VERSION, "must be " + FORMAT));
        }
        for (String name : List.of("subject", "ct")) {
            JsonNode value = sealed.get(name);
            if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
                out.add(new Violation(at + "." + name, RuleCode.REQUIRED, "must be a non-empty string"));
            }
        }
        sealed.fieldNames().forEachRemaining(name -> {
            if (!Set.of("v", "subject", "ct", "erased").contains(name)) {
                out.add(new Violation(at + "." + name, RuleCode.UNKNOWN_FIELD, "is not a field of a sealed payload"));
            }
        });
        payload.fieldNames().forEachRemaining(name -> {
            if (!name.equals(FIELD) && !CLEAR_FIELDS.contains(name)) {
                out.add(new Violation("payload." + name, RuleCode.NOT_ALLOWED,
                        "may not stand in clear beside " + FIELD + " (only ids, positions, versions and timestamps do)"));
            }
        });
        return out;
    }
}
