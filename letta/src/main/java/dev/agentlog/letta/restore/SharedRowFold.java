package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A table without typed events, folded from its {@code row.changed} stream ({@code <table>:<key>}): the latest after
 * image, with the out-of-line values an update did not resend ({@code unchanged}) kept from the image before; a
 * delete removes the row.
 */
final class SharedRowFold {
    private final LettaRows rows;

    SharedRowFold(LettaRows rows) {
        this.rows = rows;
    }

    void apply(RestoreEvent event) {
        if (!event.type().equals("row.changed")) {
            return;
        }
        ObjectNode p = event.payload();
        String table = p.get("table").asText();
        String key = event.streamId();
        JsonNode after = p.get("after");
        if (after == null || !after.isObject()) {
            rows.remove(table, key);
            return;
        }
        ObjectNode row = ((ObjectNode) after).deepCopy();
        ObjectNode previous = rows.get(table, key);
        JsonNode unchanged = p.get("unchanged");
        if (previous != null && unchanged != null) {
            for (JsonNode column : unchanged) {
                if (previous.has(column.asText())) {
                    row.set(column.asText(), previous.get(column.asText()));
                }
            }
        }
        rows.put(table, key, row);
    }
}
