package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What every reader of the log can store, checked over a whole event (field names and values, envelope and
 * payload): PostgreSQL's {@code text} and {@code jsonb} refuse U+0000 and text that is not valid Unicode (a
 * lone surrogate, which JSON's {@code \ud800} escapes can spell), and {@code jsonb} numbers are PostgreSQL
 * {@code numeric}, which holds at most {@value #MAX_DIGITS_BEFORE_POINT} digits before the point and
 * {@value #MAX_DIGITS_AFTER_POINT} after it. An event breaking one of these would be accepted and then fail in
 * the sink; it is refused at the door instead, with the path of the value.
 */
final class StorableJson {
    static final int MAX_DIGITS_BEFORE_POINT = 131_072;
    static final int MAX_DIGITS_AFTER_POINT = 16_383;
    /** Enough to say what is wrong; an event full of NULs need not list them all. */
    private static final int MAX_REPORTED = 10;

    private StorableJson() {}

    /** Adds a violation for each value (at most {@value #MAX_REPORTED}) no PostgreSQL column could hold. */
    static void check(JsonNode event, List<Violation> out) {
        if (storable(event)) {
            return; // the common case, decided without building a path for every value
        }
        int before = out.size();
        Iterator<Map.Entry<String, JsonNode>> fields = event.fields();
        while (fields.hasNext() && out.size() - before < MAX_REPORTED) {
            Map.Entry<String, JsonNode> field = fields.next();
            visit(field.getKey(), field.getKey(), field.getValue(), out, before);
        }
    }

    private static void visit(String path, String name, JsonNode value, List<Violation> out, int before) {
        if (out.size() - before >= MAX_REPORTED) {
            return;
        }
        String nameProblem = textProblem(name);
        if (nameProblem != null) {
            out.add(new Violation(path, RuleCode.NOT_STORABLE, "has a field name that " + nameProblem));
            return;
        }
        if (value.isTextual()) {
            String problem = textProblem(value.textValue());
            if (problem != null) {
                out.add(new Violation(path, RuleCode.NOT_STORABLE, problem));
            }
        } else if (value.isNumber()) {
            String problem = numberProblem(value);
            if (problem != null) {
                out.add(new Violation(path, RuleCode.NOT_STORABLE, problem));
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                visit(path + "[" + i + "]", "", value.get(i), out, before);
            }
        } else if (value.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                visit(path + "." + field.getKey(), field.getKey(), field.getValue(), out, before);
            }
        }
    }

    /** Whether every name and value below {@code node} can be stored. */
    private static boolean storable(JsonNode node) {
        if (node.isTextual()) {
            return textProblem(node.textValue()) == null;
        }
        if (node.isNumber()) {
            return numberProblem(node) == null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (!storable(node.get(i))) {
                    return false;
                }
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (textProblem(field.getKey()) != null || !storable(field.getValue())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Why a text cannot be stored, or null when it can. */
    static String textProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "must not contain U+0000 (NUL), at character " + i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++; // a pair: one character outside the BMP
                    continue;
                }
                return "must be valid Unicode: a lone surrogate U+" + Integer.toHexString(c).toUpperCase() + " at character " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return "must be valid Unicode: a lone surrogate U+" + Integer.toHexString(c).toUpperCase() + " at character " + i;
            }
        }
        return null;
    }

    private static String numberProblem(JsonNode number) {
        if ((number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue())) {
            return "must be a finite number";
        }
        if (!number.isBigDecimal()) {
            return null; // ints, longs and big integers (at most 1000 digits, the parser's limit) all fit
        }
        BigDecimal decimal = number.decimalValue();
        long digitsBefore = (long) decimal.precision() - decimal.scale();
        long digitsAfter = Math.max(decimal.scale(), 0);
        if (digitsBefore > MAX_DIGITS_BEFORE_POINT || digitsAfter > MAX_DIGITS_AFTER_POINT) {
            return "is a number out of range: at most " + MAX_DIGITS_BEFORE_POINT + " digits before the decimal point and "
                    + MAX_DIGITS_AFTER_POINT + " after it";
        }
        return null;
    }
}
