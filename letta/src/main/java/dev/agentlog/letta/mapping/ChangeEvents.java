package dev.agentlog.letta.mapping;

import dev.agentlog.events.Event;
import dev.agentlog.events.Payload;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Wraps payloads into envelopes for one source database: the event id from the change's position, the source
 * {@code cdc:<database>}, {@code occurred_at} from the commit, the organization and the actor from the row. No
 * {@code stream_seq}: the processor places CDC events in their streams in the order they arrive, which is the
 * source's commit order. No {@code tenant}: CDC reads a whole source database, and it never picks a tenant
 * itself (Letta's {@code organization_id} is kept as the envelope's {@code organization_id}, not as a tenant).
 */
public final class ChangeEvents {
    private final String source;

    /** @param database the source database's name; events say {@code source = cdc:<database>} */
    public ChangeEvents(String database) {
        this.source = "cdc:" + Objects.requireNonNull(database, "database");
    }

    public String source() {
        return source;
    }

    public Event event(Change change, String streamId, Payload payload) {
        Row image = change.image();
        String actor = image.text("_last_updated_by_id");
        if (actor == null && change.op().createsRow()) {
            actor = image.text("_created_by_id");
        }
        return new Event(EventIds.of(source, change, payload.type().wireName()), payload.type(),
                payload.type().currentVersion(), streamId, null, null, image.text("organization_id"),
                occurredAt(change), source, actor, null, payload);
    }

    /**
     * The source commit time. A snapshot read happened at capture start, long after the row was written: it
     * takes the row's own updated_at (else created_at) so that point-in-time queries see it when it was true.
     */
    static OffsetDateTime occurredAt(Change change) {
        if (change.position().snapshot() && change.after() != null) {
            OffsetDateTime written = change.after().timestamp("updated_at");
            if (written == null) {
                written = change.after().timestamp("created_at");
            }
            if (written != null) {
                return written;
            }
        }
        return change.position().commitTime().atOffset(ZoneOffset.UTC);
    }
}
