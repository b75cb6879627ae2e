package dev.agentlog.sink.fold;

/** SQL type of a projection column and the Java type a row holds for it. */
public enum ColumnType {
    /** {@link String}. */
    TEXT("text"),
    /** {@link com.fasterxml.jackson.databind.JsonNode}. */
    JSONB("jsonb"),
    /** {@link java.time.Instant}. */
    TIMESTAMPTZ("timestamptz"),
    /** {@link Integer}. */
    INTEGER("integer"),
    /** {@link Long}. */
    BIGINT("bigint"),
    /** {@link Boolean}. */
    BOOLEAN("boolean"),
    /** {@code float[]}. */
    REAL_ARRAY("real[]");

    private final String sql;

    ColumnType(String sql) {
        this.sql = sql;
    }

    public String sql() {
        return sql;
    }
}
