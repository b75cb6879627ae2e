package dev.agentlog.sink.fold;

/** One column of a projection table. */
public record Column(String name, ColumnType type) {
    public static Column text(String name) {
        return new Column(name, ColumnType.TEXT);
    }

    public static Column jsonb(String name) {
        return new Column(name, ColumnType.JSONB);
    }

    public static Column timestamptz(String name) {
        return new Column(name, ColumnType.TIMESTAMPTZ);
    }

    public static Column integer(String name) {
        return new Column(name, ColumnType.INTEGER);
    }

    public static Column bigint(String name) {
        return new Column(name, ColumnType.BIGINT);
    }

    public static Column bool(String name) {
        return new Column(name, ColumnType.BOOLEAN);
    }

    public static Column realArray(String name) {
        return new Column(name, ColumnType.REAL_ARRAY);
    }
}
