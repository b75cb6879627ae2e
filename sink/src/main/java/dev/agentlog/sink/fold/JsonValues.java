package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Equality of column values as PostgreSQL keeps them. jsonb stores numbers as {@code numeric}, so
 * {@code 1e2} comes back as {@code 100} and {@code 1.0E-7} as {@code 0.00000010}: JSON numbers compare
 * by value, everything else exactly.
 */
public final class JsonValues {
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonValues() {}

    public static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    /** Column values equal as PostgreSQL stores them. */
    public static boolean sameColumn(Object a, Object b) {
        if (a instanceof JsonNode x && b instanceof JsonNode y) {
            return same(x, y);
        }
        if (a instanceof float[] x && b instanceof float[] y) {
            return Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }

    static String show(Object value) {
        return value instanceof float[] floats ? Arrays.toString(floats) : String.valueOf(value);
    }
}
