package dev.agentlog.letta.mapping;

import dev.agentlog.events.Event;
import dev.agentlog.events.RowChanged;
import java.util.List;
import java.util.Map;

/**
 * Every table without a typed event: {@code row.changed} on the stream {@code <table>:<key values joined by ':'>}
 * with the row images as the source sent them (json columns parsed; a delete without REPLICA IDENTITY FULL has
 * only the key as before-image; unchanged out-of-line values of an update are listed in {@code unchanged}). Also the fallback of a typed mapping that cannot name its stream.
 */
final class RowChangedMapping implements TableMapping {
    static final RowChangedMapping INSTANCE = new RowChangedMapping();

    @Override
    public String table() {
        return "*";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String key = change.keyText();
        // A table without a primary key: its rows have no identity, the change's position names the stream.
        String streamId = change.table() + ":" + (key.isEmpty() ? change.position().lsnText() : key);
        if (streamId.length() > Event.MAX_STREAM_ID_CHARS) {
            // a stream id has at most 256 chars: a longer key is named by its hash (still one stream per row)
            streamId = change.table() + ":" + EventIds.nameUuid(key);
        }
        // Unchanged out-of-line values the source did not send are named, never sent as data: the fold keeps the
        // last known value.
        List<String> unchanged = change.after() == null ? List.of() : List.copyOf(change.after().unavailable());
        RowChanged payload = new RowChanged(change.table(), change.op().rowChangedCode(),
                change.before() == null ? null : change.before().toJson(),
                change.after() == null ? null : change.after().toJson(), unchanged, Map.of());
        return List.of(context.events().event(change, streamId, payload));
    }
}
