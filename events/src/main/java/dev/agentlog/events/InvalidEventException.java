package dev.agentlog.events;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

    public InvalidEventException(String field, RuleCode code, String rule) {
        this(List.of(new Violation(field, code, rule)));
    }

    public List<Violation> violations() {
        return violations;
    }

    /** The first violation. */
    public Violation first() {
        return violations.get(0);
    }

    /** The kinds of rule broken, each once, in the order of the violations. */
    public Set<RuleCode> codes() {
        Set<RuleCode> codes = new LinkedHashSet<>();
        violations.forEach(v -> codes.add(v.code()));
        return codes;
    }
}
