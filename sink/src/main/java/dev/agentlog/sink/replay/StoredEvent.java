package dev.agentlog.sink.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.Sealing;
import dev.agentlog.events.Timestamps;
import dev.agentlog.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * One row of the audit table {@code events}: the event as the sink stored it (payload as jsonb text) and
 * where it was read in the log of record. What {@code --from-table} replays, {@code export} writes and the
 * point-in-time queries fold.
 *
 * @param payloadJson the payload as PostgreSQL prints jsonb: numbers as numeric, keys in jsonb's order;
 *     equal by value to what the producer sent, unknown fields included
 * @param kafkaPartition null when the row was not written by the sink (then it cannot be replayed in log order)
 * @param tenant the stream's tenant, null for none
 */
public record StoredEvent(String eventId, String streamId, Long streamSeq, String type, int schemaVersion,
        String agentId, String organizationId, OffsetDateTime occurredAt, String source, String actor,
        String payloadJson, String kafkaTopic, Integer kafkaPartition, Long kafkaOffset, String tenant) {

    /** The columns {@link #read} expects, in order; prefix each with a table alias if needed. */
    public static final String COLUMNS = "event_id, stream_id, stream_seq, type, schema_version, agent_id,"
            + " organization_id, occurred_at, source, actor, payload::text, kafka_topic, kafka_partition, kafka_offset,"
            + " tenant";
    /** How many columns {@link #COLUMNS} has: a query may select more after them. */
    public static final int COLUMN_COUNT = 15;

    /** {@link #COLUMNS} with each column prefixed by a table alias ({@code e.event_id, ...}). */
    public static String columns(String alias) {
        return alias + ".event_id, " + alias + ".stream_id, " + alias + ".stream_seq, " + alias + ".type, " + alias
                + ".schema_version, " + alias + ".agent_id, " + alias + ".organization_id, " + alias + ".occurred_at, "
                + alias + ".source, " + alias + ".actor, " + alias + ".payload::text, " + alias + ".kafka_topic, " + alias
                + ".kafka_partition, " + alias + ".kafka_offset, " + alias + ".tenant";
    }

    public static StoredEvent read(ResultSet rs) throws SQLException {
        long seq = rs.getLong(3);
        Long streamSeq = rs.wasNull() ? null : seq;
        int partition = rs.getInt(13);
        Integer kafkaPartition = rs.wasNull() ? null : partition;
        long offset = rs.getLong(14);
        Long kafkaOffset = rs.wasNull() ? null : offset;
        OffsetDateTime occurred = rs.getObject(8, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
        return new StoredEvent(rs.getString(1), rs.getString(2), streamSeq, rs.getString(4), rs.getInt(5),
                rs.getString(6), rs.getString(7), occurred, rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), kafkaPartition, kafkaOffset, rs.getString(15));
    }

    /** The event as contract JSON (the envelope of contract section 1), {@code stream_seq} included. */
    public byte[] toJsonBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + payloadJson.length());
        try (JsonGenerator g = EventCodec.JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event_id", eventId);
            g.writeStringField("type", type);
            g.writeNumberField("schema_version", schemaVersion);
            g.writeStringField("stream_id", streamId);
            if (streamSeq != null) {
                g.writeNumberField("stream_seq", streamSeq);
            }
            writeIfPresent(g, "agent_id", agentId);
            writeIfPresent(g, "organization_id", organizationId);
            g.writeStringField("occurred_at", Timestamps.format(occurredAt));
            writeIfPresent(g, "source", source);
            writeIfPresent(g, "actor", actor);
            writeIfPresent(g, "tenant", tenant);
            g.writeFieldName("payload");
            g.writeRawValue(payloadJson);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write event " + eventId + " as JSON", e);
        }
        return out.toByteArray();
    }

    public ObjectNode toJson() {
        try {
            return (ObjectNode) EventCodec.JSON.readTree(toJsonBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back event " + eventId, e);
        }
    }

    /** This row with another payload text. */
    public StoredEvent withPayloadJson(String json) {
        return new StoredEvent(eventId, streamId, streamSeq, type, schemaVersion, agentId, organizationId, occurredAt,
                source, actor, json, kafkaTopic, kafkaPartition, kafkaOffset, tenant);
    }

    /**
     * This row with its sealed payload opened by {@code codec} (docs/privacy.md): null when its subject was erased;
     * itself when the payload is not sealed, or when the codec does not open (a reader without --kek-file sees the
     * sealed form).
     */
    public StoredEvent opened(EventCodec codec) throws InvalidEventException {
        if (!payloadJson.contains("\"" + Sealing.FIELD + "\"")) {
            return this;
        }
        Event event = toEvent(codec);
        if (event.payload() instanceof SealedPayload sealed) {
            return sealed.erased() ? null : this;
        }
        return withPayloadJson(event.payload().toJson().toString());
    }

    /** The typed event (decoded and validated like the sink does). */
    public Event toEvent(EventCodec codec) throws InvalidEventException {
        return codec.decode(toJsonBytes());
    }

    /** The record the sink read this event from, rebuilt from the row (its value is {@link #toJsonBytes()}). */
    public SinkRecord toSinkRecord() {
        if (kafkaTopic == null || kafkaPartition == null || kafkaOffset == null) {
            throw new IllegalStateException("event " + eventId + " has no Kafka position in the events table");
        }
        return new SinkRecord(kafkaTopic, kafkaPartition, kafkaOffset, streamId.getBytes(StandardCharsets.UTF_8),
                toJsonBytes());
    }

    private static void writeIfPresent(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }
}
