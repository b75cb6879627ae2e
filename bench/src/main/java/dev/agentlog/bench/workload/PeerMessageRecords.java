package dev.agentlog.bench.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.MessageDeleted;
import dev.agentlog.events.MessageUpdated;
import dev.agentlog.sink.fold.MessageRow;
import dev.agentlog.sink.fold.Projection;
import dev.agentlog.sink.fold.ProjectionFold;
import dev.agentlog.sink.fold.Ref;
import dev.agentlog.sink.fold.Rows;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.workload.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the message events of the generated log into what Kafka Connect's JDBC sinks read: one record per change of
 * a {@code messages} row, key and value in {@code JsonConverter} format with schemas (value = the whole row after the
 * change, as agentlog's own fold computes it; a deletion is a tombstone). Upserted in order per key, the records
 * leave exactly the {@code messages} table agentlog's sink builds from the same log.
 *
 * <p>Rows are kept in memory only for messages that a later event may update (the system messages of this
 * workload); not thread-safe.
 */
public final class PeerMessageRecords {
    /** A record for the peer's topic; {@code value} null is a tombstone. */
    public record PeerRecord(String messageId, byte[] key, byte[] value) {}

    private static final String KEY_SCHEMA = "{\"type\":\"struct\",\"optional\":false,\"name\":\"bench.messages.Key\","
            + "\"fields\":[{\"field\":\"message_id\",\"type\":\"string\",\"optional\":false}]}";
    private static final String VALUE_SCHEMA = "{\"type\":\"struct\",\"optional\":false,\"name\":\"bench.messages.Value\","
            + "\"fields\":["
            + "{\"field\":\"message_id\",\"type\":\"string\",\"optional\":false},"
            + text("agent_id") + "," + text("role") + "," + json("content") + "," + json("tool_calls") + ","
            + text("tool_call_id") + "," + json("tool_returns") + "," + text("name") + "," + text("step_id") + ","
            + text("run_id") + "," + text("otid") + ","
            + "{\"field\":\"source_sequence\",\"type\":\"int64\",\"optional\":true},"
            + timestamp("created_at") + "," + timestamp("updated_at") + "," + json("extra") + "]}";

    private final EventCodec codec = EventCodec.standard();
    private final Map<String, MessageRow> updatable = new HashMap<>();
    private final OneTable projection = new OneTable();

    /** The record for this event of the log, or null when it does not change a messages row. */
    public PeerRecord of(WorkloadEvent generated) {
        EventType type = generated.type();
        if (type != EventType.MESSAGE_CREATED && type != EventType.MESSAGE_UPDATED && type != EventType.MESSAGE_DELETED) {
            return null;
        }
        Event event;
        try {
            event = codec.decode(generated.json());
        } catch (InvalidEventException e) {
            throw new IllegalStateException("the bench generated an invalid event: " + e.getMessage(), e);
        }
        String messageId = switch (type) {
            case MESSAGE_CREATED -> ((MessageCreated) event.payload()).messageId();
            case MESSAGE_UPDATED -> ((MessageUpdated) event.payload()).messageId();
            default -> ((MessageDeleted) event.payload()).messageId();
        };
        byte[] key = envelope(KEY_SCHEMA, "{\"message_id\":" + quote(messageId) + "}");
        if (type == EventType.MESSAGE_DELETED) {
            updatable.remove(messageId);
            return new PeerRecord(messageId, key, null);
        }
        projection.row = updatable.get(messageId);
        ProjectionFold.apply(event, projection);
        MessageRow row = projection.row;
        if ("system".equals(row.role())) {
            updatable.put(messageId, row);
        }
        return new PeerRecord(messageId, key, envelope(VALUE_SCHEMA, payload(row)));
    }

    private static String payload(MessageRow r) {
        ObjectNode p = EventCodec.JSON.createObjectNode();
        p.put("message_id", r.messageId());
        p.put("agent_id", r.agentId());
        p.put("role", r.role());
        p.put("content", jsonText(r.content()));
        p.put("tool_calls", jsonText(r.toolCalls()));
        p.put("tool_call_id", r.toolCallId());
        p.put("tool_returns", jsonText(r.toolReturns()));
        p.put("name", r.name());
        p.put("step_id", r.stepId());
        p.put("run_id", r.runId());
        p.put("otid", r.otid());
        p.put("source_sequence", r.sourceSequence());
        p.put("created_at", instant(r.createdAt()));
        p.put("updated_at", instant(r.updatedAt()));
        p.put("extra", jsonText(r.extra()));
        return p.toString();
    }

    private static byte[] envelope(String schema, String payload) {
        return ("{\"schema\":" + schema + ",\"payload\":" + payload + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonText(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }

    private static String instant(Instant at) {
        return at == null ? null : at.toString();
    }

    private static String quote(String s) {
        return EventCodec.JSON.getNodeFactory().textNode(s).toString();
    }

    private static String text(String field) {
        return "{\"field\":\"" + field + "\",\"type\":\"string\",\"optional\":true}";
    }

    /** Debezium's name for a JSON document carried as a string: its JDBC sink binds it as json/jsonb. */
    private static String json(String field) {
        return "{\"field\":\"" + field + "\",\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Json\","
                + "\"version\":1}";
    }

    /** Debezium's ISO-8601 timestamp with offset (microseconds kept): its JDBC sink binds it as timestamptz. */
    private static String timestamp(String field) {
        return "{\"field\":\"" + field + "\",\"type\":\"string\",\"optional\":true,"
                + "\"name\":\"io.debezium.time.ZonedTimestamp\",\"version\":1}";
    }

    /** The fold's view of one messages row: enough for the message events. */
    private static final class OneTable implements Projection, Rows<String, MessageRow> {
        MessageRow row;

        @Override
        @SuppressWarnings("unchecked")
        public <K, R> Rows<K, R> rows(TableDef<K, R> table) {
            if (!table.equals(Tables.MESSAGES)) {
                throw new IllegalArgumentException("only messages rows are folded here, not " + table);
            }
            return (Rows<K, R>) this;
        }

        @Override
        public MessageRow get(String key) {
            return row != null && row.messageId().equals(key) ? row : null;
        }

        @Override
        public void put(MessageRow newRow) {
            row = newRow;
        }

        @Override
        public void remove(String key) {
            row = null;
        }

        @Override
        public void removeWhere(Ref ref, String value) {
            throw new UnsupportedOperationException("cascades are not generated for the peer");
        }
    }
}
