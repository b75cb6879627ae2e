package dev.agentlog.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kind of rule a {@link Violation} breaks, for programs: the {@code code} beside a violation's words in an HTTP
 * answer, the {@link DeadLetterHeaders#RULE_CODES} header of a dead letter, and what decides its
 * {@link DeadLetterReason}. The words ({@link Violation#rule()}) say the rest: which limit, which value.
 * A wire name, once written, keeps its meaning; new kinds get new names.
 */
public enum RuleCode {
    /** Not JSON, not one JSON value, or no value at all. */
    NOT_JSON("not_json"),
    /** Over a limit of the reader or the log: nesting depth, a token longer than the parser takes, an event's bytes. */
    TOO_LARGE("too_large"),
    /** A field the envelope does not have (payload fields go inside {@code payload}). */
    UNKNOWN_FIELD("unknown_field"),
    /** A {@code type} outside the catalogue. */
    UNKNOWN_TYPE("unknown_type"),
    /** A {@code schema_version} newer than this build knows, or one no upcaster leads from. */
    UNSUPPORTED_VERSION("unsupported_version"),
    /** A required value is missing or null. */
    REQUIRED("required"),
    /** A value of the wrong JSON kind: a number where a string belongs, an array where an object does. */
    WRONG_TYPE("wrong_type"),
    /** An empty text, or an empty list, where there must be something. */
    EMPTY("empty"),
    /** A text longer than its field allows. */
    TOO_LONG("too_long"),
    /** A number outside its field's range. */
    OUT_OF_RANGE("out_of_range"),
    /** Not an RFC 3339 timestamp with an offset. */
    NOT_A_TIMESTAMP("not_a_timestamp"),
    /** Not one of the values the field allows. */
    NOT_ALLOWED("not_allowed"),
    /** A text or number no PostgreSQL column can hold (NUL, a lone surrogate, a number out of numeric's range). */
    NOT_STORABLE("not_storable"),
    /** A tenant outside the tenant rule (1..128 of {@code [A-Za-z0-9._-]}). */
    TENANT_FORMAT("tenant_format"),
    /** A record key that is not the event's {@code stream_id} in UTF-8. */
    KEY_MISMATCH("key_mismatch"),
    /** A sealed payload that does not open with its subject's key: changed on the way, or moved from another event. */
    UNREADABLE("unreadable");

    private final String wireName;

    RuleCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<RuleCode> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
