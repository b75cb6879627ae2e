package dev.agentlog.processor;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why the processor refused a record: the value of the {@link dev.agentlog.events.DeadLetterHeaders#REASON}
 * header and the {@code reason} tag of the dead-letter metric. The {@code RULE} header says which rule in words.
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
    /** Processing failed unexpectedly (a bug or a record no rule foresaw): routed by the exception handlers. */
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

    @Override
    public String toString() {
        return wireName;
    }
}
