package dev.agentlog.cdc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.cdc.SourceDatabase;
import dev.agentlog.cdc.SourceSetup;
import dev.agentlog.letta.mapping.Change;
import dev.agentlog.letta.mapping.Op;
import dev.agentlog.letta.mapping.Row;
import dev.agentlog.letta.mapping.SourcePosition;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * From Debezium's change record (Kafka Connect {@link Struct}s) to a {@link Change}: json columns parsed, timestamps
 * as RFC 3339 text, unchanged TOASTed values marked unavailable. Records that are not row changes (heartbeats,
 * transaction markers, logical messages, truncates) and the changes of capture's heartbeat table give null.
 *
 * <p>Under the default replica identity Debezium fills the before-image of a delete with the key and placeholder
 * values (empty strings, 1970 timestamps) for the NOT NULL columns: that image is replaced by the key alone, so no
 * mapping mistakes a placeholder for data. Only tables with REPLICA IDENTITY FULL keep their before-images, and
 * their updates take unchanged TOASTed values from the before-image.
 */
public final class RecordConverter {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String JSON_SCHEMA = "io.debezium.data.Json";
    private static final JsonNode UNAVAILABLE = JSON.textNode(DebeziumProperties.UNAVAILABLE_PLACEHOLDER);
    private static final byte[] UNAVAILABLE_BYTES = DebeziumProperties.UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    private final Predicate<String> hasFullReplicaIdentity;

    /** @param hasFullReplicaIdentity whether a table (by name) has REPLICA IDENTITY FULL */
    public RecordConverter(Predicate<String> hasFullReplicaIdentity) {
        this.hasFullReplicaIdentity = hasFullReplicaIdentity;
    }

    public Change convert(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null
                || value.schema().field("source") == null) {
            return null;
        }
        Op op = Op.fromCode(value.getString("op"));
        if (op == null) {
            return null;
        }
        Struct source = value.getStruct("source");
        String table = source.getString("table");
        if (SourceSetup.HEARTBEAT_TABLE.equals(table)) {
            return null; // capture's own heartbeat: read only so that its position is confirmed, never an event
        }
        Row key = record.key() instanceof Struct k ? row(k) : Row.EMPTY;
        Row before = value.getStruct("before") == null ? null : row(value.getStruct("before"));
        Row after = value.getStruct("after") == null ? null : row(value.getStruct("after"));
        if (hasFullReplicaIdentity.test(table)) {
            if (before != null && after != null) {
                after = after.over(before);
            }
        } else {
            before = op == Op.DELETE ? key : null;
        }
        return new Change(table, op, key, before, after, position(source));
    }

    static SourcePosition position(Struct source) {
        Long lsn = optionalLong(source, "lsn");
        Long txId = optionalLong(source, "txId");
        Long micros = optionalLong(source, "ts_us");
        Instant commit = micros != null
                ? Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
                : Instant.ofEpochMilli(source.getInt64("ts_ms"));
        Object snapshot = source.schema().field("snapshot") == null ? null : source.get("snapshot");
        boolean fromSnapshot = snapshot != null && !"false".equals(String.valueOf(snapshot));
        return new SourcePosition(lsn == null ? 0 : lsn, txId, commit, fromSnapshot);
    }

    private static Long optionalLong(Struct struct, String name) {
        Field field = struct.schema().field(name);
        if (field == null) {
            return null;
        }
        Object value = struct.get(field);
        return value instanceof Number n ? n.longValue() : null;
    }

    static Row row(Struct struct) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Set<String> unavailable = new LinkedHashSet<>();
        for (Field field : struct.schema().fields()) {
            JsonNode value = value(field.schema(), struct.get(field));
            if (value == UNAVAILABLE) {
                unavailable.add(field.name());
            } else {
                values.put(field.name(), value);
            }
        }
        return new Row(values, unavailable);
    }

    static JsonNode value(Schema schema, Object value) {
        if (value == null) {
            return JSON.nullNode();
        }
        String name = schema.name();
        switch (schema.type()) {
            case STRING -> {
                String text = (String) value;
                if (text.equals(DebeziumProperties.UNAVAILABLE_PLACEHOLDER)) {
                    return UNAVAILABLE;
                }
                return JSON_SCHEMA.equals(name) ? parseJson(text) : JSON.textNode(text);
            }
            case INT8, INT16, INT32 -> {
                int number = ((Number) value).intValue();
                if ("io.debezium.time.Date".equals(name) || "org.apache.kafka.connect.data.Date".equals(name)) {
                    return JSON.textNode(LocalDate.ofEpochDay(number).toString());
                }
                if ("io.debezium.time.Time".equals(name)) {
                    return JSON.textNode(LocalTime.ofNanoOfDay(number * 1_000_000L).toString());
                }
                return JSON.numberNode(number);
            }
            case INT64 -> {
                long number = ((Number) value).longValue();
                return switch (name == null ? "" : name) {
                    case "io.debezium.time.MicroTimestamp" -> JSON.textNode(localDateTime(number, 1_000_000L).toString());
                    case "io.debezium.time.Timestamp" -> JSON.textNode(localDateTime(number, 1_000L).toString());
                    case "io.debezium.time.NanoTimestamp" -> JSON.textNode(localDateTime(number, 1_000_000_000L).toString());
                    case "io.debezium.time.MicroTime" -> JSON.textNode(LocalTime.ofNanoOfDay(number * 1_000L).toString());
                    case "io.debezium.time.NanoTime" -> JSON.textNode(LocalTime.ofNanoOfDay(number).toString());
                    default -> JSON.numberNode(number);
                };
            }
            case FLOAT32 -> {
                return JSON.numberNode((Float) value);
            }
            case FLOAT64 -> {
                return JSON.numberNode((Double) value);
            }
            case BOOLEAN -> {
                return JSON.booleanNode((Boolean) value);
            }
            case BYTES -> {
                if (value instanceof BigDecimal decimal) {
                    return JSON.numberNode(decimal);
                }
                byte[] bytes = value instanceof ByteBuffer buffer ? toArray(buffer) : (byte[]) value;
                return Arrays.equals(bytes, UNAVAILABLE_BYTES) ? UNAVAILABLE
                        : JSON.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case ARRAY -> {
                List<?> items = (List<?>) value;
                if (isUnavailableArray(items)) {
                    return UNAVAILABLE;
                }
                ArrayNode array = JSON.arrayNode(items.size());
                for (Object item : items) {
                    JsonNode converted = value(schema.valueSchema(), item);
                    array.add(converted == UNAVAILABLE ? JSON.textNode(DebeziumProperties.UNAVAILABLE_PLACEHOLDER) : converted);
                }
                return array;
            }
            case MAP -> {
                ObjectNode object = JSON.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> object.set(String.valueOf(k), value(schema.valueSchema(), v)));
                return object;
            }
            case STRUCT -> {
                Struct struct = (Struct) value;
                ObjectNode object = JSON.objectNode();
                for (Field field : struct.schema().fields()) {
                    object.set(field.name(), value(field.schema(), struct.get(field)));
                }
                return object;
            }
            default -> {
                return JSON.textNode(String.valueOf(value));
            }
        }
    }

    /**
     * Debezium's placeholders for an unchanged TOASTed array: the placeholder string as the only item (text
     * arrays), or the placeholder's bytes as numbers (integer arrays).
     */
    private static boolean isUnavailableArray(List<?> items) {
        if (items.size() == 1 && DebeziumProperties.UNAVAILABLE_PLACEHOLDER.equals(items.get(0))) {
            return true;
        }
        if (items.size() != UNAVAILABLE_BYTES.length) {
            return false;
        }
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Number n) || n.doubleValue() != UNAVAILABLE_BYTES[i]) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode parseJson(String text) {
        try {
            JsonNode parsed = EventCodec.JSON.readTree(text);
            return parsed == null || parsed.isMissingNode() ? JSON.nullNode() : parsed;
        } catch (JsonProcessingException e) {
            // PostgreSQL's json type accepts only valid JSON; keep anything else as the text it is
            return JSON.textNode(text);
        }
    }

    private static LocalDateTime localDateTime(long value, long perSecond) {
        long seconds = Math.floorDiv(value, perSecond);
        long nanos = Math.floorMod(value, perSecond) * (1_000_000_000L / perSecond);
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
