package dev.agentlog.sink.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.SourceRow;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.snapshot.SnapshotFormat.StreamRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A whole projection cut into streams ({@link StreamOwners}) and put back together: the two halves of a snapshot. */
public final class StreamStates {
    private StreamStates() {}

    /** As {@link #split(ProjectionState, Map)} with the subjects of row streams taken from their rows alone. */
    public static List<StreamRows> split(ProjectionState state) {
        return split(state, Map.of());
    }

    /**
     * Every stream with rows in the state, in stream id order. The subject is the stream itself (every agent, block and
     * archive is a subject of its own: docs/privacy.md), but for a row.changed stream: the agent its events name in
     * the envelope ({@code rowAgents}, as the edge seals them and erasure finds them), else the {@code agent_id} its
     * row names.
     */
    public static List<StreamRows> split(ProjectionState state, Map<String, String> rowAgents) {
        Map<String, Map<TableDef<?, ?>, List<Object[]>>> byStream = new TreeMap<>();
        for (TableDef<?, ?> table : Tables.ALL) {
            collect(state, table, byStream);
        }
        List<StreamRows> out = new ArrayList<>(byStream.size());
        byStream.forEach((stream, rows) -> out.add(new StreamRows(stream,
                rows.containsKey(Tables.SOURCE_ROWS) && rowAgents.containsKey(stream) ? rowAgents.get(stream)
                        : subjectOf(stream, rows), rows)));
        return out;
    }

    private static <K, R> void collect(ProjectionState state, TableDef<K, R> table,
            Map<String, Map<TableDef<?, ?>, List<Object[]>>> byStream) {
        for (R row : state.table(table).values()) {
            byStream.computeIfAbsent(StreamOwners.ownerOf(table, row), s -> new LinkedHashMap<>())
                    .computeIfAbsent(table, t -> new ArrayList<>()).add(table.values(row));
        }
    }

    private static String subjectOf(String stream, Map<TableDef<?, ?>, List<Object[]>> rows) {
        List<Object[]> source = rows.get(Tables.SOURCE_ROWS);
        if (source != null && !source.isEmpty()) {
            SourceRow row = Tables.SOURCE_ROWS.fromValues(source.get(0));
            JsonNode agent = row.row() == null ? null : row.row().get("agent_id");
            if (agent != null && agent.isTextual() && !agent.textValue().isEmpty()) {
                return agent.textValue();
            }
        }
        return stream;
    }

    /** Puts a decoded stream's rows into the state. */
    public static void load(SnapshotFormat.Decoded stream, ProjectionState state) {
        stream.rows().forEach((table, rows) -> rows.forEach(values -> put(state, table, values)));
    }

    private static <K, R> void put(ProjectionState state, TableDef<K, R> table, Object[] values) {
        state.rows(table).put(table.fromValues(values));
    }
}
