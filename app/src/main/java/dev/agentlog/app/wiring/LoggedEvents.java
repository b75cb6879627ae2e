package dev.agentlog.app.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Sealing;
import dev.agentlog.letta.restore.AgentRestore;
import dev.agentlog.letta.restore.RestoreEvent;
import dev.agentlog.sink.replay.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The log of record as the sink stored it ({@code <schema>.events}), up to an instant: what a Letta restore folds.
 * Events count by {@code occurred_at <= at} (the source's commit time for captured ones), each stream in stream
 * order; sealed payloads are opened with the codec, old versions upcast.
 */
public final class LoggedEvents implements AgentRestore.EventLog {
    private final Connection c;
    private final String schema;
    private final OffsetDateTime at;
    private final EventCodec codec;

    /** @param c a connection the caller holds open (one snapshot for every read: repeatable read) */
    public LoggedEvents(Connection c, String schema, Instant at, EventCodec codec) {
        this.c = c;
        this.schema = schema;
        this.at = at.atOffset(ZoneOffset.UTC);
        this.codec = codec;
    }

    @Override
    public List<RestoreEvent> read(Collection<String> streamIds) throws Exception {
        List<RestoreEvent> out = new ArrayList<>();
        if (streamIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT " + StoredEvent.COLUMNS + " FROM \"" + schema
                + "\".events WHERE stream_id = ANY(?) AND occurred_at <= ? ORDER BY stream_id, stream_seq")) {
            s.setArray(1, c.createArrayOf("text", streamIds.toArray()));
            s.setObject(2, at);
            s.setFetchSize(1_000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    StoredEvent stored = StoredEvent.read(rs);
                    RestoreEvent plain = plain(stored);
                    if (plain != null) {
                        out.add(plain);
                        continue;
                    }
                    Event event;
                    try {
                        event = stored.toEvent(codec);
                    } catch (InvalidEventException e) {
                        throw new IllegalStateException("event " + stored.eventId() + " of " + stored.streamId()
                                + " in the events table does not decode (" + e.getMessage() + "); run `agentlog verify`",
                                e);
                    }
                    out.add(new RestoreEvent(event.type().wireName(), event.streamId(), event.payload().toJson()));
                }
            }
        }
        return out;
    }

    /**
     * The stored payload as it is, when nothing needs doing to it: a payload of the type's current version, not
     * sealed. The events table holds only events the processor validated, so the codec's checks would find nothing
     * (a restore reads every passage's 4,096-number embedding: decoding and re-encoding them was half its time).
     */
    private static RestoreEvent plain(StoredEvent stored) throws java.io.IOException {
        EventType type = EventType.fromWireName(stored.type()).orElse(null);
        if (type == null || type.currentVersion() != stored.schemaVersion()) {
            return null;
        }
        JsonNode payload = EventCodec.JSON.readTree(stored.payloadJson());
        if (!(payload instanceof ObjectNode object) || Sealing.isSealed(object)) {
            return null;
        }
        return new RestoreEvent(stored.type(), stored.streamId(), object);
    }
}
