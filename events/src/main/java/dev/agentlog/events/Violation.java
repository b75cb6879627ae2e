package dev.agentlog.events;

import java.util.Objects;

/**
 * One broken rule of one field, e.g. {@code stream_id: must not be empty}: the field, the kind of rule for programs
 * ({@link RuleCode}) and the rule in words for people. The field is a path: {@code payload.message_id},
 * {@code [3].occurred_at} for the fourth event of a request, {@code $} for the whole value.
 */
public record Violation(String field, RuleCode code, String rule) {
    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(rule, "rule");
    }

    /** The same violation of a field under {@code prefix} ({@code payload}, {@code [3]}). */
    public Violation under(String prefix) {
        return new Violation(prefix + (field.startsWith("[") ? "" : ".") + field, code, rule);
    }

    /** The same violation in the {@code index}th element of a list of events: {@code [3].stream_id}, {@code [3]}. */
    public Violation inElement(int index) {
        String element = "[" + index + "]";
        return "$".equals(field) ? new Violation(element, code, rule) : under(element);
    }

    @Override
    public String toString() {
        return field + ": " + rule;
    }
}
