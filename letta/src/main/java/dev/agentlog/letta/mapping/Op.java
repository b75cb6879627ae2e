package dev.agentlog.letta.mapping;

/** What happened to a source row: Debezium's operation codes. A snapshot read is a create seen late. */
public enum Op {
    CREATE("c"), UPDATE("u"), DELETE("d"),
    /** A row read by the initial snapshot: it existed before capture began. */
    READ("r");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The op of {@code row.changed}, whose catalogue knows c, u, d only: a snapshot read is a create. */
    public String rowChangedCode() {
        return this == READ ? "c" : code;
    }

    public boolean createsRow() {
        return this == CREATE || this == READ;
    }

    public static Op fromCode(String code) {
        for (Op op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        return null;
    }
}
