package dev.agentlog.workload;

import dev.agentlog.events.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.UUID;

/**
 * The Letta-like log of record of the tests and the bench: deterministic for a seed, streamed (a bench's millions of
 * events are never held in memory). Agents with their own and a shared memory block and an archive; turns of three
 * messages of about 300 characters (user, assistant, tool) followed by the whole in-context window
 * ({@code context.updated}); now and then a block edit with a system-message rewrite, a shared-block edit, an
 * archival passage, a summary that shortens the window, a message deletion. Every event carries its stream
 * position and the current schema version of its type, as the processor writes them.
 *
 * <p>By default messages are never deleted with their agent (one extra agent without messages is created and
 * deleted): the bench's {@code compare} peer receives message rows only, and a cascade it cannot see would make the
 * tables differ. {@link #endingWithDeletes()} ends the log instead with the deletes whose cascades a sink must get
 * right: an agent with its messages, a block (detached first), a passage that never existed.
 *
 * <p>Not thread-safe; one pass per instance.
 */
public final class LettaWorkload implements Iterator<WorkloadEvent> {
    /** Characters of a user, assistant or tool message's text. */
    public static final int MESSAGE_TEXT_CHARS = 300;
    private static final Instant START = Instant.parse("2026-11-24T00:00:00Z");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(java.time.ZoneOffset.UTC);
    private static final String SHARED_BLOCK = "block-bench-shared";
    private static final String RETIRED_AGENT = "agent-bench-retired";
    /**
     * The most events one turn adds: a block edit and its system message, a shared edit, a passage, three messages,
     * a summary, the window, a deletion.
     */
    private static final int MAX_TURN_EVENTS = 10;

    private final Random random;
    private final long total;
    private final int agents;
    private final Map<String, Long> seqs = new HashMap<>();
    private final Deque<WorkloadEvent> pending = new ArrayDeque<>();
    private final List<List<String>> contexts = new ArrayList<>();
    private final int[] blockVersions;
    private int sharedVersion = 1;
    private long emitted;
    private long turn;
    private boolean setUp;
    private boolean closed;
    private boolean cascadingDeletes;
    private QueryFixtures fixtures;
    private long fixturesWithin;

    /**
     * @param total exactly this many events are generated
     * @param agents agents the turns are spread over
     */
    public LettaWorkload(long seed, long total, int agents) {
        if (total < 7L * agents + 20 || agents < 3) {
            throw new IllegalArgumentException(agents < 3 ? "at least 3 agents, was " + agents
                    : "--events must be at least " + (7L * agents + 20) + " for " + agents
                            + " agents (their set-up alone takes 7 events each), was " + total);
        }
        this.random = new Random(seed);
        this.total = total;
        this.agents = agents;
        this.blockVersions = new int[agents];
    }

    /** The last events delete agent 0 with its messages, block 1 (detached first) and a passage that never was. */
    public LettaWorkload endingWithDeletes() {
        if (emitted > 0) {
            throw new IllegalStateException("choose the ending before the first event");
        }
        cascadingDeletes = true;
        return this;
    }

    /**
     * Adds {@link QueryFixtures}' agents of known sizes and its block of known versions, their events spread evenly
     * over the log between the regular turns (the bench's {@code queries}).
     */
    public LettaWorkload withQueryFixtures() {
        return withQueryFixtures(total);
    }

    /**
     * As {@link #withQueryFixtures()}, the fixtures spread over the first {@code within} events only: a log that grows
     * (the bench's {@code growth}) has them whole in its first part, the same in every size measured.
     */
    public LettaWorkload withQueryFixtures(long within) {
        if (emitted > 0) {
            throw new IllegalStateException("choose the fixtures before the first event");
        }
        QueryFixtures f = new QueryFixtures();
        long need = 2 * f.events() + 7L * agents + 20;
        if (within < need || within > total) {
            throw new IllegalArgumentException(within > total ? "the query fixtures' span (" + within
                    + " events) must lie inside the log of " + total : "--events must be at least " + need
                    + " for the query fixtures (" + f.events() + " events) and " + agents + " agents, was " + within);
        }
        fixtures = f;
        fixturesWithin = within;
        return this;
    }

    /** The whole log in memory, for a test's few thousand events. */
    public List<WorkloadEvent> toList() {
        List<WorkloadEvent> out = new ArrayList<>((int) Math.min(total, Integer.MAX_VALUE));
        forEachRemaining(out::add);
        return out;
    }

    @Override
    public boolean hasNext() {
        return emitted < total;
    }

    @Override
    public WorkloadEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + total + " events generated");
        }
        if (!setUp) {
            setUp();
            setUp = true;
        }
        while (pending.isEmpty()) {
            long left = total - emitted;
            if (left <= ending() && !closed) {
                closed = true;
                end((int) left);
            } else if (left - ending() < MAX_TURN_EVENTS) {
                editSharedBlock(); // one event at a time, so that the ending is the last events of the log
            } else if (fixtures != null && fixtures.due(emitted, Math.min(total - ending(), fixturesWithin))) {
                fixtures.step(random, this::add);
            } else {
                turn();
            }
        }
        emitted++;
        return pending.poll();
    }

    /** The last {@code events} of the log (at most {@link #ending()}): the deletes. */
    private void end(int events) {
        if (fixtures != null && !fixtures.done()) {
            throw new IllegalStateException("the query fixtures did not fit in " + total + " events; use more --events");
        }
        if (cascadingDeletes) {
            add(agent(0), EventType.AGENT_DELETED, "{}");
            if (events >= 4) {
                // Detached first, as Letta's foreign keys cascade: the attachment and the delete are on two streams,
                // so two partitions, and a sink may apply them in either order; detached first, every order ends
                // without the attachment (a fold of the log read partition by partition agrees with any sink).
                add(agent(1), EventType.BLOCK_DETACHED, "{\"block_id\":\"" + block(1) + "\"}");
                add(block(1), EventType.BLOCK_DELETED, "{}");
            }
        } else {
            add(RETIRED_AGENT, EventType.AGENT_DELETED, "{}");
        }
        if (events >= 2) {
            add(archive(2), EventType.PASSAGE_DELETED, "{\"passage_id\":\"passage-2-none\"}");
        }
    }

    private int ending() {
        return cascadingDeletes ? 4 : 2;
    }

    private void setUp() {
        add(SHARED_BLOCK, EventType.BLOCK_CREATED, "{\"label\":\"org\",\"value\":\"shared v1\",\"limit\":5000}");
        if (!cascadingDeletes) {
            add(RETIRED_AGENT, EventType.AGENT_CREATED, "{\"name\":\"retired\",\"agent_type\":\"memgpt_v2_agent\",\"system\":\"sys\"}");
        }
        for (int a = 0; a < agents; a++) {
            String agent = agent(a);
            add(agent, EventType.AGENT_CREATED, "{\"name\":\"agent " + a
                    + "\",\"agent_type\":\"memgpt_v2_agent\",\"system\":\"You are agent " + a + ".\"}");
            add(block(a), EventType.BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"v1 of " + a + "\",\"limit\":5000}");
            blockVersions[a] = 1;
            add(agent, EventType.BLOCK_ATTACHED, "{\"block_id\":\"" + block(a) + "\",\"label\":\"human\"}");
            add(agent, EventType.BLOCK_ATTACHED, "{\"block_id\":\"" + SHARED_BLOCK + "\",\"label\":\"org\"}");
            add(archive(a), EventType.ARCHIVE_CREATED, "{\"name\":\"archive " + a + "\"}");
            add(agent, EventType.ARCHIVE_ATTACHED, "{\"archive_id\":\"" + archive(a) + "\"}");
            String system = "message-" + a + "-system";
            add(agent, EventType.MESSAGE_CREATED, "{\"message_id\":\"" + system
                    + "\",\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"You are agent " + a + ".\"}]}");
            contexts.add(new ArrayList<>(List.of(system)));
        }
        if (fixtures != null) {
            fixtures.setUp(this::add);
        }
    }

    private void turn() {
        int a = random.nextInt(agents);
        String agent = agent(a);
        List<String> context = contexts.get(a);
        if (random.nextInt(4) == 0) {
            int version = ++blockVersions[a];
            add(block(a), EventType.BLOCK_UPDATED, "{\"value\":\"v" + version + " of " + a + " " + text(40)
                    + "\",\"version\":" + version + "}");
            add(agent, EventType.MESSAGE_UPDATED, "{\"message_id\":\"" + context.get(0)
                    + "\",\"content\":[{\"type\":\"text\",\"text\":\"You are agent " + a + ". Memory v" + version + "\"}]}");
        }
        if (random.nextInt(10) == 0) {
            editSharedBlock();
        }
        if (random.nextInt(6) == 0) {
            add(archive(a), EventType.PASSAGE_INSERTED, "{\"passage_id\":\"passage-" + a + "-" + turn + "\",\"text\":\""
                    + text(120) + "\",\"tags\":[\"t" + random.nextInt(3) + "\"],\"embedding\":[0.1,0.2,0.3]}");
        }
        String step = "step-" + a + "-" + turn;
        for (String role : new String[] {"user", "assistant", "tool"}) {
            String id = "message-" + a + "-" + turn + "-" + role;
            add(agent, EventType.MESSAGE_CREATED, "{\"message_id\":\"" + id + "\",\"role\":\"" + role
                    + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + text(MESSAGE_TEXT_CHARS) + "\"}],\"step_id\":\""
                    + step + "\"}");
            context.add(id);
        }
        if (context.size() > 12) {
            String summary = "message-" + a + "-" + turn + "-summary";
            add(agent, EventType.MESSAGE_CREATED, "{\"message_id\":\"" + summary
                    + "\",\"role\":\"summary\",\"content\":[{\"type\":\"text\",\"text\":\"summary of turns to " + turn + "\"}]}");
            List<String> kept = new ArrayList<>(List.of(context.get(0), summary));
            kept.addAll(context.subList(context.size() - 3, context.size()));
            context.clear();
            context.addAll(kept);
        }
        add(agent, EventType.CONTEXT_UPDATED, "{\"message_ids\":" + ids(context) + "}");
        if (random.nextInt(50) == 0) {
            String last = context.get(context.size() - 1);
            add(agent, EventType.MESSAGE_DELETED, "{\"message_id\":\"" + last + "\"}");
        }
        turn++;
    }

    private void editSharedBlock() {
        sharedVersion++;
        add(SHARED_BLOCK, EventType.BLOCK_UPDATED, "{\"value\":\"shared v" + sharedVersion + "\",\"version\":"
                + sharedVersion + "}");
    }

    /** Appends one event of record to the pending events: its stream position, instant and event id are the log's. */
    @FunctionalInterface
    interface Emitter {
        void add(String stream, EventType type, String payload);
    }

    private void add(String stream, EventType type, String payload) {
        long seq = seqs.merge(stream, 1L, Long::sum);
        long index = emitted + pending.size();
        String agentField = stream.startsWith("agent-") ? "" : ",\"agent_id\":\"" + agent(0) + "\"";
        Instant at = START.plus(index * 997, ChronoUnit.MICROS);
        String json = "{\"event_id\":\"" + new UUID(random.nextLong(), random.nextLong()) + "\",\"type\":\""
                + type.wireName() + "\",\"schema_version\":" + type.currentVersion() + ",\"stream_id\":\"" + stream
                + "\",\"stream_seq\":" + seq + agentField + ",\"occurred_at\":\"" + MICROS.format(at)
                + "\",\"source\":\"bench\",\"payload\":" + payload + "}";
        pending.add(new WorkloadEvent(stream, type, json.getBytes(StandardCharsets.UTF_8)));
    }

    private String text(int length) {
        return text(random, length);
    }

    static String text(Random random, int length) {
        StringBuilder b = new StringBuilder(length + 1);
        while (b.length() < length) {
            b.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    static String ids(List<String> ids) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) {
            b.append(i == 0 ? "\"" : ",\"").append(ids.get(i)).append('"');
        }
        return b.append(']').toString();
    }

    static String agent(int a) {
        return "agent-bench-" + a;
    }

    static String block(int a) {
        return "block-bench-" + a;
    }

    static String archive(int a) {
        return "archive-bench-" + a;
    }
}
