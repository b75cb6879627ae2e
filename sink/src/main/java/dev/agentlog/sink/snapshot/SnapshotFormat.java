package dev.agentlog.sink.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.Column;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The value of one stream's record in a snapshot, versioned like the contract (docs/replay.md, "Snapshot records"):
 *
 * <pre>{"format": 1, "snapshot_id": "...", "stream_id": "agent-...", "subject": "agent-...",
 *  "taken_at": "2026-12-06T22:10:00Z", "positions": {"0": 8123, "1": 8310},
 *  "state": {"agents": [[...column values...]], "messages": [[...], ...], ...}}</pre>
 *
 * With encryption on, {@code state} is replaced by {@code "$sealed": {"v": 1, "subject": ..., "ct": <base64>}}, the
 * AEAD ciphertext of the {@code state} object's JSON under the subject's data key, with
 * {@code agentlog-snapshot NUL snapshot_id NUL stream_id NUL subject} as associated data. Each table's rows are arrays
 * of its columns in the order of the migrations: text as a string, jsonb as a one-element array around the value (so
 * that a JSON null and SQL NULL stay apart), integers and booleans as JSON, timestamps as RFC 3339 instants, real[]
 * as an array of numbers; SQL NULL as null. A table without rows of the stream is left out.
 */
public final class SnapshotFormat {
    public static final int FORMAT = 1;
    static final String SEALED = "$sealed";

    private SnapshotFormat() {}

    /** A stream's rows, by table, as {@link TableDef#values} gives them. */
    public record StreamRows(String streamId, String subject, Map<TableDef<?, ?>, List<Object[]>> rows) {}

    /** A decoded record: the stream's rows, or none when its subject was erased. */
    public record Decoded(String streamId, String subject, boolean erased, Map<TableDef<?, ?>, List<Object[]>> rows) {}

    public static byte[] encode(SnapshotInfo info, StreamRows stream, StateCipher cipher) {
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("format", FORMAT);
        out.put("snapshot_id", info.snapshotId());
        out.put("stream_id", stream.streamId());
        out.put("subject", stream.subject());
        out.put("taken_at", info.takenAt().toString());
        ObjectNode positions = out.putObject("positions");
        info.byPartition().forEach((partition, offset) -> positions.put(Integer.toString(partition), offset));
        ObjectNode state = EventCodec.JSON.createObjectNode();
        for (TableDef<?, ?> table : Tables.ALL) {
            List<Object[]> rows = stream.rows().get(table);
            if (rows == null || rows.isEmpty()) {
                continue;
            }
            ArrayNode array = state.putArray(table.name());
            for (Object[] row : rows) {
                ArrayNode values = array.addArray();
                for (int i = 0; i < row.length; i++) {
                    values.add(toJson(table.columns().get(i), row[i]));
                }
            }
        }
        try {
            if (cipher.seals()) {
                byte[] ciphertext = cipher.seal(stream.subject(), EventCodec.JSON.writeValueAsBytes(state),
                        associatedData(info.snapshotId(), stream.streamId(), stream.subject()));
                out.putObject(SEALED).put("v", 1).put("subject", stream.subject())
                        .put("ct", Base64.getEncoder().encodeToString(ciphertext));
            } else {
                out.set("state", state);
            }
            return EventCodec.JSON.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the snapshot of stream " + stream.streamId(), e);
        }
    }

    public static Decoded decode(byte[] value, StateCipher cipher) {
        JsonNode root;
        try {
            root = EventCodec.JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException("a snapshot record is not JSON: " + e.getMessage(), e);
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IllegalStateException("snapshot record format " + root.path("format") + " is not known to this"
                    + " version (it reads format " + FORMAT + ")");
        }
        String streamId = root.path("stream_id").asText();
        String subject = root.path("subject").asText();
        JsonNode state = root.get("state");
        if (root.has(SEALED)) {
            byte[] ciphertext = Base64.getDecoder().decode(root.get(SEALED).path("ct").asText(""));
            Optional<byte[]> plain = cipher.open(subject, ciphertext,
                    associatedData(root.path("snapshot_id").asText(), streamId, subject));
            if (plain.isEmpty()) {
                return new Decoded(streamId, subject, true, Map.of());
            }
            try {
                state = EventCodec.JSON.readTree(plain.get());
            } catch (IOException e) {
                throw new IllegalStateException("the snapshot of stream " + streamId + " opens to no JSON", e);
            }
        }
        Map<TableDef<?, ?>, List<Object[]>> rows = new LinkedHashMap<>();
        for (TableDef<?, ?> table : Tables.ALL) {
            JsonNode array = state == null ? null : state.get(table.name());
            if (array == null) {
                continue;
            }
            List<Object[]> list = new ArrayList<>(array.size());
            for (JsonNode values : array) {
                if (values.size() != table.columns().size()) {
                    throw new IllegalStateException("snapshot of stream " + streamId + ": a " + table + " row has "
                            + values.size() + " values, the table " + table.columns().size() + " columns");
                }
                Object[] row = new Object[values.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = fromJson(table.columns().get(i), values.get(i));
                }
                list.add(row);
            }
            rows.put(table, list);
        }
        return new Decoded(streamId, subject, false, rows);
    }

    static byte[] associatedData(String snapshotId, String streamId, String subject) {
        return ("agentlog-snapshot\u0000" + snapshotId + '\u0000' + streamId + '\u0000' + subject)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode toJson(Column column, Object value) {
        var f = EventCodec.JSON.getNodeFactory();
        if (value == null) {
            return f.nullNode();
        }
        return switch (column.type()) {
            case TEXT -> f.textNode((String) value);
            case JSONB -> f.arrayNode(1).add((JsonNode) value);
            case TIMESTAMPTZ -> f.textNode(value.toString());
            case INTEGER -> f.numberNode((Integer) value);
            case BIGINT -> f.numberNode((Long) value);
            case BOOLEAN -> f.booleanNode((Boolean) value);
            case REAL_ARRAY -> {
                ArrayNode array = f.arrayNode();
                for (float x : (float[]) value) {
                    array.add(x);
                }
                yield array;
            }
        };
    }

    private static Object fromJson(Column column, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (column.type()) {
            case TEXT -> value.asText();
            case JSONB -> value.get(0);
            case TIMESTAMPTZ -> Instant.parse(value.asText());
            case INTEGER -> value.intValue();
            case BIGINT -> value.longValue();
            case BOOLEAN -> value.booleanValue();
            case REAL_ARRAY -> {
                float[] out = new float[value.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = value.get(i).floatValue();
                }
                yield out;
            }
        };
    }
}
