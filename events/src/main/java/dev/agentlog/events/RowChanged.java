package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Payload of {@code row.changed}. A row of a source table that has no typed event yet, so that nothing the source holds
 * is lost.
 *
 * @param unchanged columns of an update whose value the source did not send because it did not change (PostgreSQL
 *                  sends no unchanged out-of-line "TOASTed" value under the default replica identity): they are not
 *                  in {@code after}, and whoever folds the row keeps their last known value. Empty when none.
 */
public record RowChanged(String table, String op, JsonNode before, JsonNode after, List<String> unchanged,
        Map<String, JsonNode> unknown) implements Payload {
    /** Create, update, delete: Debezium's op codes. */
    public static final Set<String> OPS = Set.of("c", "u", "d");

    public RowChanged {
        unchanged = unchanged == null ? List.of() : List.copyOf(unchanged);
        unknown = Payload.copyOf(unknown);
    }

    static RowChanged read(PayloadReader r) {
        return new RowChanged(r.requiredId("table"), r.oneOf("op", OPS, true), r.object("before"), r.object("after"),
                r.stringList("unchanged", false), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.ROW_CHANGED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("table", table).put("op", op).put("before", before).put("after", after)
                .put("unchanged", unchanged.isEmpty() ? null : unchanged).finish(unknown);
    }
}
