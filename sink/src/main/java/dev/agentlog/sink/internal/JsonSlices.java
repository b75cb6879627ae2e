package dev.agentlog.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The JSON text that payload values of one batch came as, by node (identity): the fold puts those very nodes into
 * rows (a message's {@code content}, an agent's {@code llm_config}), so their jsonb columns are copied from the
 * record's bytes instead of written back from the tree, which was an eighth of the sink's CPU. The nodes are never
 * changed after parsing (the fold copies what it merges), and an upcast payload gives none. PostgreSQL stores the
 * same jsonb either way. Not thread-safe; one per batch.
 */
public final class JsonSlices {
    /** For writers without records (the conservative path, tests): every value is written from its tree. */
    public static final JsonSlices NONE = new JsonSlices(0);

    private record Slice(byte[] source, int start, int end) {}

    private final Map<JsonNode, Slice> slices;

    JsonSlices(int expected) {
        this.slices = new IdentityHashMap<>(expected);
    }

    void add(JsonNode node, byte[] source, int start, int end) {
        slices.put(node, new Slice(source, start, end));
    }

    /** Writes the value as a jsonb field: its original text when known, else the tree written as JSON. */
    void copy(BinaryCopy copy, JsonNode value) {
        Slice slice = value == null || slices.isEmpty() ? null : slices.get(value);
        if (slice == null) {
            copy.jsonb(value);
        } else {
            copy.jsonb(slice.source(), slice.start(), slice.end() - slice.start());
        }
    }
}
