package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes a payload's known fields (absent ones omitted, cleared ones as null) then its unknown ones. */
public final class PayloadWriter {
    private final ObjectNode node = JsonNodeFactory.instance.objectNode();

    public PayloadWriter put(String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
        return this;
    }

    public PayloadWriter put(String name, Integer value) {
        if (value != null) {
            node.put(name, value);
        }
        return this;
    }

    public PayloadWriter put(String name, Long value) {
        if (value != null) {
            node.put(name, value);
        }
        return this;
    }

    public PayloadWriter put(String name, Boolean value) {
        if (value != null) {
            node.put(name, value);
        }
        return this;
    }

    public PayloadWriter put(String name, JsonNode value) {
        if (value != null) {
            node.set(name, value);
        }
        return this;
    }

    public PayloadWriter put(String name, OffsetDateTime value) {
        if (value != null) {
            node.put(name, Timestamps.format(value));
        }
        return this;
    }

    public PayloadWriter put(String name, List<String> values) {
        if (values != null) {
            ArrayNode array = node.putArray(name);
            values.forEach(array::add);
        }
        return this;
    }

    public PayloadWriter put(String name, float[] values) {
        if (values != null) {
            ArrayNode array = node.putArray(name);
            for (float v : values) {
                array.add(v);
            }
        }
        return this;
    }

    public PayloadWriter nulls(Set<String> names) {
        names.forEach(node::putNull);
        return this;
    }

    public ObjectNode finish(Map<String, JsonNode> unknown) {
        unknown.forEach(node::set);
        return node;
    }
}
