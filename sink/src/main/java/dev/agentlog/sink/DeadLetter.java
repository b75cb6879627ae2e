package dev.agentlog.sink;

import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.events.Refusal;
import java.util.Objects;

/**
 * A record the sink refuses, with why: a value that does not decode as an event ({@code invalid},
 * {@code unknown_type}, {@code unsupported_version}, with the violations and their rule codes) or an event whose
 * data PostgreSQL refuses ({@code poison}, with the SQLSTATE and PostgreSQL's message).
 */
public record DeadLetter(SinkRecord record, Refusal refusal) {
    public DeadLetter {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(refusal, "refusal");
    }

    public DeadLetterReason reason() {
        return refusal.reason();
    }

    /** The rule broken in words. */
    public String rule() {
        return refusal.rule();
    }
}
