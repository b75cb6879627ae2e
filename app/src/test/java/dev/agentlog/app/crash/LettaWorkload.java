package dev.agentlog.app.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic Letta-like log of record: agents with their own and a shared memory block, archives,
 * turns of messages, block edits, system-message rewrites, context updates, summaries, passages and
 * deletes, every event with its stream position, as the processor would have written it.
 */
public final class LettaWorkload {
    public record Record(String streamId, String json) {}

    private final Random random;
    private final Map<String, Long> seqs = new HashMap<>();
    private final List<Record> out = new ArrayList<>();
    private long ids;

    private LettaWorkload(long seed) {
        this.random = new Random(seed);
    }

    /** At least {@code minEvents} events over {@code agents} agents. */
    public static List<Record> generate(long seed, int agents, int minEvents) {
        LettaWorkload w = new LettaWorkload(seed);
        String shared = "block-shared";
        w.add(shared, "block.created", "{\"label\":\"org\",\"value\":\"shared v1\",\"limit\":5000}");
        int[] version = new int[agents];
        int sharedVersion = 1;
        List<List<String>> contexts = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            String agent = agent(a);
            w.add(agent, "agent.created", "{\"name\":\"agent " + a + "\",\"agent_type\":\"memgpt_v2_agent\",\"system\":\"sys\"}");
            w.add(block(a), "block.created", "{\"label\":\"human\",\"value\":\"v1 of " + a + "\"}");
            version[a] = 1;
            w.add(agent, "block.attached", "{\"block_id\":\"" + block(a) + "\",\"label\":\"human\"}");
            w.add(agent, "block.attached", "{\"block_id\":\"" + shared + "\",\"label\":\"org\"}");
            w.add(archive(a), "archive.created", "{\"name\":\"archive " + a + "\"}");
            w.add(agent, "archive.attached", "{\"archive_id\":\"" + archive(a) + "\"}");
            String system = "message-" + a + "-system";
            w.add(agent, "message.created", "{\"message_id\":\"" + system + "\",\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"sys\"}]}");
            contexts.add(new ArrayList<>(List.of(system)));
        }
        int turn = 0;
        while (w.out.size() < minEvents) {
            int a = w.random.nextInt(agents);
            String agent = agent(a);
            List<String> context = contexts.get(a);
            if (w.random.nextInt(4) == 0) {
                version[a]++;
                w.add(block(a), "block.updated", "{\"value\":\"v" + version[a] + " of " + a + " " + w.text(40) + "\",\"version\":" + version[a] + "}");
                w.add(agent, "message.updated", "{\"message_id\":\"" + context.get(0) + "\",\"content\":[{\"type\":\"text\",\"text\":\"sys " + version[a] + "\"}]}");
            }
            if (w.random.nextInt(10) == 0) {
                sharedVersion++;
                w.add(shared, "block.updated", "{\"value\":\"shared v" + sharedVersion + "\",\"version\":" + sharedVersion + "}");
            }
            if (w.random.nextInt(6) == 0) {
                w.add(archive(a), "passage.inserted", "{\"passage_id\":\"passage-" + a + "-" + turn + "\",\"text\":\"" + w.text(120)
                        + "\",\"tags\":[\"t" + w.random.nextInt(3) + "\"],\"embedding\":[0.1,0.2,0.3]}");
            }
            for (String role : List.of("user", "assistant", "tool")) {
                String id = "message-" + a + "-" + turn + "-" + role;
                w.add(agent, "message.created", "{\"message_id\":\"" + id + "\",\"role\":\"" + role
                        + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + w.text(300) + "\"}]}");
                context.add(id);
            }
            if (context.size() > 12) {
                String summary = "message-" + a + "-" + turn + "-summary";
                w.add(agent, "message.created", "{\"message_id\":\"" + summary + "\",\"role\":\"summary\",\"content\":[{\"type\":\"text\",\"text\":\"summary\"}]}");
                List<String> kept = new ArrayList<>(List.of(context.get(0), summary));
                kept.addAll(context.subList(context.size() - 3, context.size()));
                context.clear();
                context.addAll(kept);
            }
            w.add(agent, "context.updated", "{\"message_ids\":" + ids(context) + "}");
            if (w.random.nextInt(50) == 0) {
                w.add(agent, "message.deleted", "{\"message_id\":\"" + context.get(context.size() - 1) + "\"}");
            }
            turn++;
        }
        w.add(agent(0), "agent.deleted", "{}");
        w.add(block(1), "block.deleted", "{}");
        w.add(archive(2), "passage.deleted", "{\"passage_id\":\"passage-2-none\"}");
        return w.out;
    }

    private void add(String stream, String type, String payload) {
        long seq = seqs.merge(stream, 1L, Long::sum);
        String agentField = stream.startsWith("agent-") ? "" : ",\"agent_id\":\"" + agent(0) + "\"";
        String json = "{\"event_id\":\"w-" + (++ids) + "\",\"type\":\"" + type + "\",\"schema_version\":" + ("message.created".equals(type) ? 2 : 1)
                + ",\"stream_id\":\"" + stream + "\",\"stream_seq\":" + seq + agentField
                + ",\"occurred_at\":\"2026-11-24T12:00:00." + String.format("%06d", ids % 1_000_000) + "Z\",\"payload\":" + payload + "}";
        out.add(new Record(stream, json));
    }

    private String text(int length) {
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            b.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    private static String ids(List<String> ids) {
        return ids.stream().map(id -> "\"" + id + "\"").toList().toString().replace(" ", "");
    }

    static String agent(int a) {
        return "agent-w-" + a;
    }

    static String block(int a) {
        return "block-w-" + a;
    }

    static String archive(int a) {
        return "archive-w-" + a;
    }
}
