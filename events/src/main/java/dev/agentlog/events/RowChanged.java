package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/** Payload of {@code row.changed}. A row of a source table that has no typed event yet, so that nothing the source holds is lost. */
public record RowChanged(String table, String op, JsonNode before, JsonNode after, Map<String, JsonNode> unknown) implements Payload {
    /** Create, update, delete: Debezium's op codes. */
    public static final Set<String> OPS = Set.of("c", "u", "d");

    public RowChanged {
        unknown = Payload.copyOf(unknown);
    }

    static RowChanged read(PayloadReader r) {
        return new RowChanged(r.requiredId("table"), r.oneOf("op", OPS, true), r.object("before"), r.object("after"), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.ROW_CHANGED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("table", table).put("op", op).put("before", before).put("after", after)
                .finish(unknown);
    }
}
