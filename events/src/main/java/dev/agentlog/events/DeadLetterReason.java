package dev.agentlog.events;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Why a record was refused, by whichever part refused it: the value of the {@link DeadLetterHeaders#REASON} header
 * and the {@code reason} tag of the dead-letter metrics. The {@link DeadLetterHeaders#RULE} header says which rule in
 * words, {@link DeadLetterHeaders#RULE_CODES} which kinds of rule ({@link RuleCode}) for programs.
 */
public enum DeadLetterReason {
    /** Not JSON, not an object, a missing or malformed field, or a record key that is not the stream_id. */
    INVALID("invalid"),
    /** A type that is not in the catalogue. */
    UNKNOWN_TYPE("unknown_type"),
    /** A schema_version newer than this build knows, or one with no upcaster to the current version. */
    UNSUPPORTED_VERSION("unsupported_version"),
    /** A stream position already owned by another event (or given up after a gap timed out). */
    CONFLICT("conflict"),
    /** Held behind a missing stream position longer than the gap timeout. */
    GAP("gap"),
    /**
     * An event for a stream of another tenant: a stream belongs to the tenant of its first event (no tenant
     * included), and an event of any other tenant, or of none, cannot join it.
     */
    TENANT("tenant"),
    /**
     * Processing failed where no rule foresaw it: the processor's exception handlers (a bug, a record no rule
     * foresaw), or PostgreSQL refusing an event's data in the sink (the rule names the SQLSTATE).
     */
    POISON("poison");

    private final String wireName;

    DeadLetterReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<DeadLetterReason> fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
    }

    /**
     * The reason of an event the codec refused, from the kinds of rule it broke: an unknown type wins over everything
     * (nothing else of such an event can be checked), then a schema_version this build cannot read, then invalid.
     */
    public static DeadLetterReason of(InvalidEventException refused) {
        Set<RuleCode> codes = refused.codes();
        if (codes.contains(RuleCode.UNKNOWN_TYPE)) {
            return UNKNOWN_TYPE;
        }
        return codes.contains(RuleCode.UNSUPPORTED_VERSION) ? UNSUPPORTED_VERSION : INVALID;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
