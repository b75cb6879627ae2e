package dev.agentlog.events;

import java.util.List;
import java.util.stream.Collectors;

/** An event that cannot be accepted, with every rule it breaks (not only the first). */
public final class InvalidEventException extends Exception {
    private final List<Violation> violations;

    public InvalidEventException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid event needs at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    public InvalidEventException(String field, String rule) {
        this(List.of(new Violation(field, rule)));
    }

    public List<Violation> violations() {
        return violations;
    }

    /** The rule name used as the dead-letter reason detail: the first violation's field. */
    public Violation first() {
        return violations.get(0);
    }
}
