package dev.agentlog.letta.mapping;

/**
 * What the mappings report instead of failing: a change they could not attribute (a key-only delete whose owner
 * is unknown) or could not map (unexpected data). Either way the change still travels, as {@code row.changed}.
 */
public interface MappingIssues {
    MappingIssues NONE = new MappingIssues() {
        @Override
        public void unresolved(Change change, String what) {}

        @Override
        public void failed(Change change, RuntimeException error) {}
    };

    /** The change carries too little to name its stream ({@code what} says what was missing). */
    void unresolved(Change change, String what);

    /** The typed mapping threw; the change went out as row.changed. */
    void failed(Change change, RuntimeException error);
}
