package dev.agentlog.app.wiring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.SubjectErased;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.sink.erasure.Erasure;
import dev.agentlog.sink.erasure.ErasurePlan;
import dev.agentlog.support.time.Time;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * {@code agentlog erase} and {@code POST /v1/erase} (docs/privacy.md): in one PostgreSQL transaction, destroys the keys
 * of the subjects (agents, their own blocks and archives), deletes their rows from every projection and replaces their
 * events' payloads by the erased form; then appends a {@code subject.erased} event to the input topic (acks=all), so
 * that every reader of the log knows them erased. Run again after a failure, it finishes what is left (every step finds
 * done what was done).
 */
public final class Eraser {
    private final DataSource dataSource;
    private final String schema;
    private final EventPublisher publisher;
    private final Time time;
    /** The codec of the edge in this process (ingest's), whose cached keys of erased subjects are dropped at once. */
    private volatile EventCodec edge;

    /** @param publisher sends to the input topic; the subject.erased event goes through the processor like any other */
    public Eraser(DataSource dataSource, String schema, EventPublisher publisher, Time time) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.publisher = publisher;
        this.time = time;
    }

    /**
     * After each erasure, tells {@code codec} (the one ingest seals with in this process) to forget the erased subjects'
     * keys: ingest then refuses their events from the erasure's answer on, not once its cached key goes stale (up to
     * 30 s, as in every other process: docs/privacy.md).
     */
    public Eraser forgettingIn(EventCodec codec) {
        this.edge = codec;
        return this;
    }

    /** What erasing these agents erases, and keeps (shared), without changing anything. */
    public ErasurePlan planAgents(List<String> agents) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Erasure.ofAgents(c, schema, agents);
        }
    }

    /**
     * What erasing a subject named by a Letta identity or user erases: the agents attached to the identity
     * ({@code identity.attached}) or created on the user's behalf ({@code agent.created} with that actor); when none,
     * the id itself: an agent with its own blocks and archives, or a block or an archive (shared ones too).
     */
    public ErasurePlan planSubject(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Set<String> agents = new LinkedHashSet<>(Erasure.agentsOfIdentity(c, schema, id));
            agents.addAll(Erasure.agentsCreatedBy(c, schema, id));
            if (!agents.isEmpty()) {
                return Erasure.ofAgents(c, schema, new ArrayList<>(agents));
            }
            String kind = Erasure.streamKind(c, schema, id);
            if (kind.equals("agent")) {
                return Erasure.ofAgents(c, schema, List.of(id));
            }
            return new ErasurePlan(List.of(), kind.equals("block") ? List.of(id) : List.of(),
                    kind.equals("archive") ? List.of(id) : List.of(), List.of());
        }
    }

    /** Whether the log of record has events of this stream. */
    public boolean known(String streamId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return !Erasure.streamKind(c, schema, streamId).isEmpty();
        }
    }

    /** Erases what the plan names; {@code requestedBy} is who asked (kept in the event and the key store). */
    public Receipt erase(ErasurePlan plan, String requestedBy) throws Exception {
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("nothing to erase: the log knows no such agent or subject");
        }
        Instant at = Instant.ofEpochMilli(time.currentTimeMillis());
        List<String> keys;
        Map<String, Long> rows;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                keys = SubjectKeys.destroy(c, schema, plan.subjects(), requestedBy, at);
                rows = Erasure.deleteRows(c, schema, plan);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        if (edge != null) {
            edge.forget(plan.subjects());
        }
        String stream = plan.subjects().get(0);
        Event erased = Event.of("erase-" + UUID.randomUUID(), stream, at.atOffset(ZoneOffset.UTC),
                new SubjectErased(requestedBy, plan.agents(), plan.blocks(), plan.archives(), Map.of()))
                .withSource("erase");
        publisher.publish(erased).get(publisher.settings().publishTimeoutMs() + 1_000, TimeUnit.MILLISECONDS);
        return new Receipt(plan, requestedBy, at, keys, rows, erased.eventId());
    }

    /**
     * What an erasure did.
     *
     * @param keysDestroyed the subjects that had a data key until now: their sealed events (in Kafka, in backups of
     *     the topics, in the dead-letter topic) can no longer be read
     * @param rows rows deleted per projection table; under {@code events}, the events whose payloads were erased
     */
    public record Receipt(ErasurePlan plan, String requestedBy, Instant at, List<String> keysDestroyed,
            Map<String, Long> rows, String eventId) {
        public ObjectNode toJson() {
            ObjectNode out = dev.agentlog.events.EventCodec.JSON.createObjectNode();
            out.put("requested_by", requestedBy);
            out.put("at", at.toString());
            out.set("agents", dev.agentlog.events.EventCodec.JSON.valueToTree(plan.agents()));
            out.set("blocks", dev.agentlog.events.EventCodec.JSON.valueToTree(plan.blocks()));
            out.set("archives", dev.agentlog.events.EventCodec.JSON.valueToTree(plan.archives()));
            out.set("kept_shared", dev.agentlog.events.EventCodec.JSON.valueToTree(plan.keptShared()));
            out.set("keys_destroyed", dev.agentlog.events.EventCodec.JSON.valueToTree(keysDestroyed));
            out.put("events_made_unreadable", rows.getOrDefault("events", 0L));
            ObjectNode deleted = out.putObject("rows_deleted");
            rows.forEach((table, n) -> {
                if (!table.equals("events")) {
                    deleted.put(table, n);
                }
            });
            out.put("subject_erased_event_id", eventId);
            return out;
        }

        public String toText() {
            StringBuilder b = new StringBuilder();
            b.append("erased at ").append(at).append(", requested by ").append(requestedBy).append('\n');
            b.append("  agents:   ").append(plan.agents()).append('\n');
            b.append("  blocks:   ").append(plan.blocks()).append('\n');
            b.append("  archives: ").append(plan.archives()).append('\n');
            if (!plan.keptShared().isEmpty()) {
                b.append("  kept (shared with other agents): ").append(plan.keptShared()).append('\n');
            }
            b.append("  data keys destroyed: ").append(keysDestroyed.size()).append(' ').append(keysDestroyed)
                    .append('\n');
            b.append("  events made unreadable: ").append(rows.getOrDefault("events", 0L))
                    .append(" (payloads erased in the events table; in Kafka they stay sealed under destroyed keys)\n");
            b.append("  rows deleted:\n");
            rows.forEach((table, n) -> {
                if (!table.equals("events")) {
                    b.append(String.format("    %-22s %d%n", table, n));
                }
            });
            b.append("  subject.erased event: ").append(eventId).append('\n');
            return b.toString();
        }
    }
}
