package dev.agentlog.workload;

import dev.agentlog.events.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Streams of known sizes inside the Letta-like log, for the bench's point-in-time and history queries (issue 21): three
 * agents with exactly {@link #MESSAGE_COUNTS} messages each (their system message, then turns of a user, an assistant
 * and a tool message, each turn followed by the in-context window), and one block with exactly
 * {@link #BLOCK_VERSIONS} versions, attached to the 1,000-message agent. Each agent has its own block and an archive
 * (a passage now and then) as the regular agents do; now and then its block is edited and its system message
 * rewritten. Each stream's steps are spread evenly over the first nine tenths of the log, so that an instant anywhere
 * in the log finds each agent part-way through its life. Deterministic: it draws from the workload's one random.
 *
 * <p>Not thread-safe; one per workload.
 */
public final class QueryFixtures {
    /** Messages of each fixture agent, its system message included. */
    public static final List<Integer> MESSAGE_COUNTS = List.of(10, 1_000, 10_000);
    /** Versions of {@link #VERSIONED_BLOCK}: its block.created, then one block.updated each. */
    public static final int BLOCK_VERSIONS = 1_000;
    public static final String VERSIONED_BLOCK = "block-bench-versions";
    private static final int MESSAGES_PER_TURN = 3;
    private static final int WINDOW = 12;

    private final List<Fixture> agents = new ArrayList<>();
    private final Fixture block = new Fixture(VERSIONED_BLOCK, BLOCK_VERSIONS - 1);
    private long start = -1;

    QueryFixtures() {
        for (int messages : MESSAGE_COUNTS) {
            agents.add(new Fixture(agent(messages), (messages - 1) / MESSAGES_PER_TURN));
        }
    }

    /** The stream id of the fixture agent with {@code messages} messages (one of {@link #MESSAGE_COUNTS}). */
    public static String agent(int messages) {
        if (!MESSAGE_COUNTS.contains(messages)) {
            throw new IllegalArgumentException("no fixture agent with " + messages + " messages; there are "
                    + MESSAGE_COUNTS);
        }
        return "agent-bench-q" + messages;
    }

    /** About how many events the fixtures add to the log (their passages are drawn, so a little more or less). */
    long events() {
        long out = 4L * MESSAGE_COUNTS.size() + 2 + BLOCK_VERSIONS;
        for (Fixture f : agents) {
            // three messages and the window, a passage one turn in six, an edit and a rewrite one turn in ten
            out += f.steps * (MESSAGES_PER_TURN + 1) + f.steps / 6 + 2 * (f.steps / 10) + 10;
        }
        return out;
    }

    void setUp(LettaWorkload.Emitter out) {
        out.add(VERSIONED_BLOCK, EventType.BLOCK_CREATED, "{\"label\":\"persona\",\"value\":\"v1\",\"limit\":5000}");
        for (Fixture f : agents) {
            out.add(f.stream, EventType.AGENT_CREATED, "{\"name\":\"" + f.stream
                    + "\",\"agent_type\":\"memgpt_v2_agent\",\"system\":\"You are " + f.stream + ".\"}");
            out.add(ownBlock(f), EventType.BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"v1\",\"limit\":5000}");
            out.add(f.stream, EventType.BLOCK_ATTACHED, "{\"block_id\":\"" + ownBlock(f) + "\",\"label\":\"human\"}");
            out.add(archive(f), EventType.ARCHIVE_CREATED, "{\"name\":\"" + archive(f) + "\"}");
            out.add(f.stream, EventType.ARCHIVE_ATTACHED, "{\"archive_id\":\"" + archive(f) + "\"}");
            String system = f.stream + "-system";
            out.add(f.stream, EventType.MESSAGE_CREATED, "{\"message_id\":\"" + system
                    + "\",\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"You are " + f.stream + ".\"}]}");
            f.window.add(system);
        }
        // the 1,000-message agent carries the versioned block too
        out.add(agents.get(1).stream, EventType.BLOCK_ATTACHED, "{\"block_id\":\"" + VERSIONED_BLOCK
                + "\",\"label\":\"persona\"}");
    }

    /**
     * Whether a fixture step is due when {@code emitted} events of the log are out, of which the last is
     * {@code end} (the ending's deletes come after it).
     */
    boolean due(long emitted, long end) {
        if (start < 0) {
            start = emitted;
        }
        return next(emitted, end) != null;
    }

    /** One step of the stream most behind its schedule: a turn of a fixture agent, or an edit of the versioned block. */
    void step(Random random, LettaWorkload.Emitter out) {
        Fixture f = behind;
        behind = null;
        if (f == block) {
            long version = ++f.done + 1;
            out.add(VERSIONED_BLOCK, EventType.BLOCK_UPDATED, "{\"value\":\"v" + version + " "
                    + LettaWorkload.text(random, 60) + "\",\"version\":" + version + "}");
            return;
        }
        long turn = f.done++;
        if (random.nextInt(10) == 0) {
            f.blockVersion++;
            out.add(ownBlock(f), EventType.BLOCK_UPDATED, "{\"value\":\"v" + f.blockVersion + " "
                    + LettaWorkload.text(random, 40) + "\",\"version\":" + f.blockVersion + "}");
            out.add(f.stream, EventType.MESSAGE_UPDATED, "{\"message_id\":\"" + f.window.get(0)
                    + "\",\"content\":[{\"type\":\"text\",\"text\":\"You are " + f.stream + ". Memory v" + f.blockVersion
                    + "\"}]}");
        }
        if (random.nextInt(6) == 0) {
            out.add(archive(f), EventType.PASSAGE_INSERTED, "{\"passage_id\":\"passage-" + f.stream + "-" + turn
                    + "\",\"text\":\"" + LettaWorkload.text(random, 120) + "\",\"embedding\":[0.1,0.2,0.3]}");
        }
        for (String role : new String[] {"user", "assistant", "tool"}) {
            String id = f.stream + "-" + turn + "-" + role;
            out.add(f.stream, EventType.MESSAGE_CREATED, "{\"message_id\":\"" + id + "\",\"role\":\"" + role
                    + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + LettaWorkload.text(random,
                            LettaWorkload.MESSAGE_TEXT_CHARS) + "\"}]}");
            f.window.add(id);
        }
        while (f.window.size() > WINDOW) {
            f.window.remove(1); // the system message stays first, the oldest others leave the window
        }
        out.add(f.stream, EventType.CONTEXT_UPDATED, "{\"message_ids\":" + LettaWorkload.ids(f.window) + "}");
    }

    /** True when every fixture stream has had all its steps. */
    boolean done() {
        return block.done == block.steps && agents.stream().allMatch(f -> f.done == f.steps);
    }

    private Fixture behind;

    /** The stream whose next step is most overdue at {@code emitted}, or null when none is due. */
    private Fixture next(long emitted, long end) {
        long span = Math.max(1, (end - start) * 9 / 10);
        Fixture most = null;
        long mostLate = -1;
        List<Fixture> all = new ArrayList<>(agents);
        all.add(block);
        for (Fixture f : all) {
            if (f.done == f.steps) {
                continue;
            }
            long dueAt = start + f.done * span / f.steps;
            long late = emitted - dueAt;
            if (late >= 0 && late > mostLate) {
                most = f;
                mostLate = late;
            }
        }
        behind = most;
        return most;
    }

    private static String ownBlock(Fixture f) {
        return f.stream.replace("agent-", "block-");
    }

    private static String archive(Fixture f) {
        return f.stream.replace("agent-", "archive-");
    }

    /** One fixture stream: its steps and how many are done. */
    private static final class Fixture {
        final String stream;
        final long steps;
        final List<String> window = new ArrayList<>();
        long done;
        int blockVersion = 1;

        Fixture(String stream, long steps) {
            this.stream = stream;
            this.steps = steps;
        }
    }
}
