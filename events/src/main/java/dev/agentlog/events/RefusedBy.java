package dev.agentlog.events;

/** Which part refused a dead letter: the value of the {@link DeadLetterHeaders#REFUSED_BY} header. */
public enum RefusedBy {
    /** The processor (and its exception handlers): input of {@code events.in}. */
    PROCESSOR("processor"),
    /** The sink: a record of the log of record that does not decode, or whose data PostgreSQL refuses. */
    SINK("sink");

    private final String wireName;

    RefusedBy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
