package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the known fields of one payload, collecting every violation instead of stopping at the
 * first, and hands back what it did not read so that unknown fields travel on verbatim.
 *
 * <p>For update payloads a known field that is present with JSON null means "set to null", which
 * differs from an absent field ("unchanged"): {@link #cleared()} lists those.
 */
public final class PayloadReader {
    private final ObjectNode node;
    // allocated on first use: one reader per event decoded, and most events have no violation, no null and no
    // unknown field (the sink decodes tens of thousands per second)
    private List<Violation> violations = List.of();
    /** Names asked for, each once: a payload has a dozen fields at most, a list beats a hash set. */
    private final List<String> read = new ArrayList<>(16);
    private Set<String> cleared = Set.of();

    public PayloadReader(ObjectNode node) {
        this.node = node;
    }

    private JsonNode take(String name) {
        if (!read.contains(name)) {
            read.add(name);
        }
        JsonNode value = node.get(name);
        if (value != null && value.isNull()) {
            if (cleared.isEmpty()) {
                cleared = new LinkedHashSet<>();
            }
            cleared.add(name);
            return null;
        }
        return value;
    }

    private void fail(String name, RuleCode code, String rule) {
        if (violations.isEmpty()) {
            violations = new ArrayList<>();
        }
        violations.add(new Violation("payload." + name, code, rule));
    }

    public String requiredString(String name) {
        String value = string(name);
        if (value == null && !hasViolation(name)) {
            fail(name, RuleCode.REQUIRED, "is required");
        }
        return value;
    }

    /** A required string that must also be non-empty: ids. */
    public String requiredId(String name) {
        String value = requiredString(name);
        if (value != null && value.isEmpty()) {
            fail(name, RuleCode.EMPTY, "must not be empty");
        }
        return value;
    }

    public String string(String name) {
        JsonNode value = take(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            fail(name, RuleCode.WRONG_TYPE, "must be a string");
            return null;
        }
        return value.textValue();
    }

    public String oneOf(String name, Set<String> allowed, boolean required) {
        String value = required ? requiredString(name) : string(name);
        if (value != null && !allowed.contains(value)) {
            fail(name, RuleCode.NOT_ALLOWED, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ", was '" + value + "'");
            return null;
        }
        return value;
    }

    public Integer integer(String name) {
        Long value = longValue(name);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            fail(name, RuleCode.OUT_OF_RANGE, "must fit in 32 bits");
            return null;
        }
        return value.intValue();
    }

    public Long longValue(String name) {
        JsonNode value = take(name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            fail(name, RuleCode.WRONG_TYPE, "must be an integer");
            return null;
        }
        return value.longValue();
    }

    public Boolean bool(String name) {
        JsonNode value = take(name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            fail(name, RuleCode.WRONG_TYPE, "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    /** Any JSON object, kept as it is (configs, metadata). */
    public JsonNode object(String name) {
        JsonNode value = take(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            fail(name, RuleCode.WRONG_TYPE, "must be a JSON object");
            return null;
        }
        return value;
    }

    /** Any JSON array, kept as it is (content parts, tool calls). */
    public JsonNode array(String name) {
        JsonNode value = take(name);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            fail(name, RuleCode.WRONG_TYPE, "must be a JSON array");
            return null;
        }
        return value;
    }

    /** A message's {@code content}: an array of Letta's typed parts ({@link MessageShapes}). */
    public JsonNode contentParts(String name) {
        JsonNode value = array(name);
        if (value != null) {
            MessageShapes.content(value, (path, code, rule) -> fail(name + path, code, rule));
        }
        return value;
    }

    /** A message's {@code tool_calls}: an array of OpenAI-style tool calls ({@link MessageShapes}). */
    public JsonNode toolCalls(String name) {
        JsonNode value = array(name);
        if (value != null) {
            MessageShapes.toolCalls(value, (path, code, rule) -> fail(name + path, code, rule));
        }
        return value;
    }

    /** A message's {@code tool_returns}: an array of Letta's tool returns ({@link MessageShapes}). */
    public JsonNode toolReturns(String name) {
        JsonNode value = take(name);
        if (value != null) {
            MessageShapes.toolReturns(value, (path, code, rule) -> fail(name + path, code, rule));
        }
        return value;
    }

    /** Any JSON value (row images, in whatever shape the source had). */
    public JsonNode any(String name) {
        return take(name);
    }

    public List<String> stringList(String name, boolean required) {
        JsonNode value = take(name);
        if (value == null) {
            if (required && !cleared.contains(name)) {
                fail(name, RuleCode.REQUIRED, "is required");
            } else if (required) {
                fail(name, RuleCode.REQUIRED, "must not be null");
            }
            return null;
        }
        if (!value.isArray()) {
            fail(name, RuleCode.WRONG_TYPE, "must be an array of strings");
            return null;
        }
        List<String> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                fail(name, RuleCode.WRONG_TYPE, "must be an array of strings");
                return null;
            }
            out.add(item.textValue());
        }
        return Collections.unmodifiableList(out);
    }

    public float[] floatArray(String name) {
        JsonNode value = take(name);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            fail(name, RuleCode.WRONG_TYPE, "must be an array of numbers");
            return null;
        }
        float[] out = new float[value.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode item = value.get(i);
            if (!item.isNumber()) {
                fail(name, RuleCode.WRONG_TYPE, "must be an array of numbers");
                return null;
            }
            out[i] = item.floatValue();
        }
        return out;
    }

    public OffsetDateTime timestamp(String name) {
        String text = string(name);
        if (text == null) {
            return null;
        }
        return Timestamps.parse(text).orElseGet(() -> {
            fail(name, RuleCode.NOT_A_TIMESTAMP, "must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
            return null;
        });
    }

    private boolean hasViolation(String name) {
        String field = "payload." + name;
        return violations.stream().anyMatch(v -> v.field().equals(field));
    }

    /** Known fields that were present with JSON null. */
    public Set<String> cleared() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(cleared));
    }

    /** Fields this reader did not ask for, in their original order, values untouched. */
    public Map<String, JsonNode> unknown() {
        int present = 0;
        for (String name : read) {
            if (node.has(name)) {
                present++;
            }
        }
        if (present == node.size()) {
            return Map.of(); // every field was asked for
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!read.contains(field.getKey())) {
                out.put(field.getKey(), field.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public List<Violation> violations() {
        return violations;
    }
}
