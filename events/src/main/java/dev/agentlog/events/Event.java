package dev.agentlog.events;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * One event: the contract's envelope around a typed payload (contract section 1).
 *
 * <p>Identity: two events with the same {@code eventId} are the same event, whatever else they carry;
 * the pipeline keeps the first and drops the rest. Record equality (all fields) is for tests.
 *
 * @param streamSeq the position in the stream, {@code null} until the producer or the processor sets it
 * @param tenant    who owns the event's stream, {@code null} for no tenant. Stamped by ingest from the API key
 *                  that wrote the event ({@link EventCodec#fromClientJson}), never taken from what a client sent;
 *                  the processor keeps every stream to the tenant of its first event (docs/events.md, Tenants)
 */
public record Event(
        String eventId,
        EventType type,
        int schemaVersion,
        String streamId,
        Long streamSeq,
        String agentId,
        String organizationId,
        OffsetDateTime occurredAt,
        String source,
        String actor,
        String tenant,
        Payload payload) {

    public static final int MAX_EVENT_ID_CHARS = 128;
    public static final int MAX_STREAM_ID_CHARS = 256;

    public Event {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
        if (eventId.isEmpty() || eventId.length() > MAX_EVENT_ID_CHARS) {
            throw new IllegalArgumentException("event_id must have 1.." + MAX_EVENT_ID_CHARS + " chars");
        }
        if (streamId.isEmpty() || streamId.length() > MAX_STREAM_ID_CHARS) {
            throw new IllegalArgumentException("stream_id must have 1.." + MAX_STREAM_ID_CHARS + " chars");
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema_version must be >= 1");
        }
        if (streamSeq != null && streamSeq < 1) {
            throw new IllegalArgumentException("stream_seq must be >= 1");
        }
        if (tenant != null) {
            Tenants.require(tenant, "tenant");
        }
        if (payload.type() != type) {
            throw new IllegalArgumentException("payload of " + payload.type() + " in an event of type " + type);
        }
    }

    /** A new event of the current schema version with only the required parts set. */
    public static Event of(String eventId, String streamId, OffsetDateTime occurredAt, Payload payload) {
        return new Event(eventId, payload.type(), payload.type().currentVersion(), streamId, null, null, null,
                occurredAt, null, null, null, payload);
    }

    public Event withStreamSeq(long seq) {
        return new Event(eventId, type, schemaVersion, streamId, seq, agentId, organizationId, occurredAt, source,
                actor, tenant, payload);
    }

    public Event withStreamId(String newStreamId) {
        return new Event(eventId, type, schemaVersion, newStreamId, streamSeq, agentId, organizationId, occurredAt,
                source, actor, tenant, payload);
    }

    public Event withSource(String newSource) {
        return new Event(eventId, type, schemaVersion, streamId, streamSeq, agentId, organizationId, occurredAt,
                newSource, actor, tenant, payload);
    }

    /** The same event owned by {@code newTenant} ({@code null}: no tenant), whatever tenant it carried before. */
    public Event withTenant(String newTenant) {
        return new Event(eventId, type, schemaVersion, streamId, streamSeq, agentId, organizationId, occurredAt,
                source, actor, newTenant, payload);
    }
}
