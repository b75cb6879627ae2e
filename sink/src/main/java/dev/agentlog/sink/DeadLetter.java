package dev.agentlog.sink;

/**
 * A record the sink refuses, with why.
 *
 * @param reason {@code invalid} (the value does not decode as an event) or {@code poison} (PostgreSQL refuses
 *     the event's data)
 * @param rule the rule broken in words: the violations, or the SQLSTATE and PostgreSQL's message
 */
public record DeadLetter(SinkRecord record, String reason, String rule) {
    public static final String INVALID = "invalid";
    public static final String POISON = "poison";
}
