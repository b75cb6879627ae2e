package dev.agentlog.letta.mapping;

import java.util.Objects;

/** Everything a table mapping may use besides the change itself. */
public record MappingContext(ChangeEvents events, MappingState state, PassageLookup passageLookup, MappingIssues issues) {
    public MappingContext {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(passageLookup, "passageLookup");
        Objects.requireNonNull(issues, "issues");
    }

    /** A context with fresh state, no passage lookup and no issue reporting (tests). */
    public static MappingContext of(String database) {
        return new MappingContext(new ChangeEvents(database), new MappingState(), PassageLookup.NONE, MappingIssues.NONE);
    }
}
