package dev.agentlog.events;

import java.util.Objects;

/**
 * One broken rule of one field, e.g. {@code stream_id: must not be empty}. The field is a path:
 * {@code payload.message_id}, {@code [3].occurred_at} for the fourth event of a request.
 */
public record Violation(String field, String rule) {
    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rule, "rule");
    }

    public Violation under(String prefix) {
        return new Violation(prefix + (field.startsWith("[") ? "" : ".") + field, rule);
    }

    @Override
    public String toString() {
        return field + ": " + rule;
    }
}
