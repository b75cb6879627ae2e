package dev.agentlog.sink;

import dev.agentlog.events.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random logs of a few agent, block, archive and row streams whose ids collide on purpose (few message,
 * block, passage ids), with partial updates, clears, stale block versions, cascades, unknown payload
 * fields, numbers PostgreSQL rewrites (1e2, 1.50), and re-deliveries of earlier records; streams of two tenants
 * and streams of none.
 */
final class RandomLogs {
    private static final List<String> AGENTS = List.of("agent-1", "agent-2");
    private static final List<String> BLOCKS = List.of("block-1", "block-2");
    private static final List<String> ARCHIVES = List.of("archive-1", "archive-2");
    private static final List<String> MESSAGES = List.of("message-1", "message-2", "message-3", "message-4");
    private static final List<String> PASSAGES = List.of("passage-1", "passage-2", "passage-3");

    /** The tenant of each stream: two tenants, and streams of none (the processor keeps a stream to one). */
    private static final Map<String, String> TENANTS = Map.of("agent-1", "acme", "block-1", "acme",
            "archive-1", "acme", "agent-2", "globex", "archive-2", "globex");

    private RandomLogs() {}

    /** One step of a log: a new event, or the record at {@code redeliverIndex} (mod size) delivered again. */
    record Step(String streamId, EventType type, String payload, int redeliverIndex) {
        boolean isRedelivery() {
            return type == null;
        }

        @Override
        public String toString() {
            return isRedelivery() ? "redeliver #" + redeliverIndex : streamId + " " + type + " " + payload;
        }
    }

    static Arbitrary<List<Step>> logs(int maxSteps) {
        return step().list().ofMinSize(1).ofMaxSize(maxSteps);
    }

    /** Appends the steps to a log; re-deliveries repeat an earlier record at a new offset. */
    static TestLog build(List<Step> steps, int partitions) {
        TestLog log = new TestLog(partitions).withTenants(TENANTS::get);
        for (Step step : steps) {
            if (step.isRedelivery()) {
                List<SinkRecord> so = log.records();
                if (!so.isEmpty()) {
                    log.redeliver(so.get(Math.floorMod(step.redeliverIndex(), so.size())));
                }
            } else {
                log.add(step.streamId(), step.type(), step.payload());
            }
        }
        return log;
    }

    private static Arbitrary<Step> step() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, agentStep()),
                Tuple.of(6, agentStateStep()),
                Tuple.of(5, blockStep()),
                Tuple.of(4, archiveStep()),
                Tuple.of(1, rowStep()),
                Tuple.of(1, erasureStep()),
                Tuple.of(2, Arbitraries.integers().between(0, 1000)
                        .map(i -> new Step(null, null, null, i))));
    }

    private static Arbitrary<Step> agentStep() {
        Arbitrary<String> agent = Arbitraries.of(AGENTS);
        Arbitrary<String> message = Arbitraries.of(MESSAGES);
        Arbitrary<String> block = Arbitraries.of(BLOCKS);
        Arbitrary<String> archive = Arbitraries.of(ARCHIVES);
        Arbitrary<String> text = Arbitraries.of("hi", "hello there", "Ünïcode ✓", "");
        Arbitrary<String> number = Arbitraries.of("1", "1.50", "1e2", "-0.25", "12345678901234");
        Arbitrary<Step> created = Combinators.combine(agent, text, number).as((a, t, n) -> new Step(a,
                EventType.AGENT_CREATED, "{\"name\":\"" + t + "\",\"agent_type\":\"memgpt_v2_agent\",\"system\":\"s\","
                        + "\"llm_config\":{\"temperature\":" + n + "},\"tool_rules\":[],\"metadata\":{\"n\":" + n + "}}", 0));
        Arbitrary<Step> updated = Combinators.combine(agent, text, Arbitraries.integers().between(0, 7))
                .as((a, t, mask) -> new Step(a, EventType.AGENT_UPDATED, partial(mask,
                        "\"name\":\"" + t + "\"", "\"description\":null", "\"system\":\"" + t + "\""), 0));
        Arbitrary<Step> deleted = agent.map(a -> new Step(a, EventType.AGENT_DELETED, "{}", 0));
        Arbitrary<Step> messageCreated = Combinators.combine(agent, message, Arbitraries.of(
                        "user", "assistant", "tool", "system", "summary"), text, Arbitraries.integers().between(0, 3))
                .as((a, m, role, t, extra) -> new Step(a, EventType.MESSAGE_CREATED, "{\"message_id\":\"" + m
                        + "\",\"role\":\"" + role + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + t + "\"}]"
                        + (extra == 1 ? ",\"tool_calls\":[{\"id\":\"c1\",\"function\":{\"name\":\"f\"}}]" : "")
                        + (extra == 2 ? ",\"x_future\":{\"v\":1e2}" : "")
                        + (extra == 3 ? ",\"created_at\":\"2026-01-01T00:00:00.123456+02:00\",\"source_sequence\":7" : "")
                        + "}", 0));
        Arbitrary<Step> messageUpdated = Combinators.combine(agent, message, text, Arbitraries.integers().between(0, 15))
                .as((a, m, t, mask) -> new Step(a, EventType.MESSAGE_UPDATED, "{\"message_id\":\"" + m + "\""
                        + partialFields(mask, "\"content\":[{\"type\":\"text\",\"text\":\"" + t + "\"}]",
                        "\"name\":null", "\"role\":\"system\"", "\"x_new\":\"" + t + "\"") + "}", 0));
        Arbitrary<Step> messageDeleted = Combinators.combine(agent, message)
                .as((a, m) -> new Step(a, EventType.MESSAGE_DELETED, "{\"message_id\":\"" + m + "\"}", 0));
        Arbitrary<Step> context = Combinators.combine(agent, message.list().ofMaxSize(4))
                .as((a, ids) -> new Step(a, EventType.CONTEXT_UPDATED, "{\"message_ids\":" + jsonStrings(ids) + "}", 0));
        Arbitrary<Step> attached = Combinators.combine(agent, block, Arbitraries.of("human", "persona"))
                .as((a, b, l) -> new Step(a, EventType.BLOCK_ATTACHED, "{\"block_id\":\"" + b + "\",\"label\":\"" + l
                        + "\"}", 0));
        Arbitrary<Step> detached = Combinators.combine(agent, block)
                .as((a, b) -> new Step(a, EventType.BLOCK_DETACHED, "{\"block_id\":\"" + b + "\"}", 0));
        Arbitrary<Step> archiveAttached = Combinators.combine(agent, archive)
                .as((a, r) -> new Step(a, EventType.ARCHIVE_ATTACHED, "{\"archive_id\":\"" + r + "\"}", 0));
        Arbitrary<Step> archiveDetached = Combinators.combine(agent, archive)
                .as((a, r) -> new Step(a, EventType.ARCHIVE_DETACHED, "{\"archive_id\":\"" + r + "\"}", 0));
        return Arbitraries.frequencyOf(
                Tuple.of(2, created), Tuple.of(2, updated),
                Tuple.of(1, deleted), Tuple.of(5, messageCreated),
                Tuple.of(3, messageUpdated), Tuple.of(1, messageDeleted),
                Tuple.of(2, context), Tuple.of(2, attached),
                Tuple.of(1, detached), Tuple.of(1, archiveAttached),
                Tuple.of(1, archiveDetached));
    }

    /** Conversations and their rows, files, links: the rest of an agent's Letta state, on the agent's stream. */
    private static Arbitrary<Step> agentStateStep() {
        Arbitrary<String> agent = Arbitraries.of(AGENTS);
        Arbitrary<String> conversation = Arbitraries.of("conv-1", "conv-2");
        Arbitrary<String> row = Arbitraries.of("conv_msg-1", "conv_msg-2", "conv_msg-3");
        Arbitrary<String> file = Arbitraries.of("file_agent-1", "file_agent-2");
        Arbitrary<Step> conversationCreated = Combinators.combine(agent, conversation, Arbitraries.of("trip", "plan"))
                .as((a, c, s) -> new Step(a, EventType.CONVERSATION_CREATED, "{\"conversation_id\":\"" + c
                        + "\",\"summary\":\"" + s + "\",\"deleted\":false,\"model_settings\":{\"t\":1}}", 0));
        Arbitrary<Step> conversationUpdated = Combinators.combine(agent, conversation, Arbitraries.integers().between(0, 7))
                .as((a, c, mask) -> new Step(a, EventType.CONVERSATION_UPDATED, "{\"conversation_id\":\"" + c + "\""
                        + partialFields(mask, "\"summary\":null", "\"last_message_at\":\"2026-11-24T10:00:00Z\"",
                        "\"deleted\":true") + "}", 0));
        Arbitrary<Step> conversationDeleted = Combinators.combine(agent, conversation)
                .as((a, c) -> new Step(a, EventType.CONVERSATION_DELETED, "{\"conversation_id\":\"" + c + "\"}", 0));
        Arbitrary<Step> rowAdded = Combinators.combine(agent, row, conversation, Arbitraries.of(MESSAGES),
                        Arbitraries.integers().between(0, 4))
                .as((a, r, c, m, pos) -> new Step(a, EventType.CONVERSATION_MESSAGE_ADDED, "{\"conversation_message_id\":\""
                        + r + "\",\"conversation_id\":\"" + c + "\",\"message_id\":\"" + m + "\",\"position\":" + pos
                        + ",\"in_context\":true}", 0));
        Arbitrary<Step> rowUpdated = Combinators.combine(agent, row, Arbitraries.integers().between(0, 7))
                .as((a, r, mask) -> new Step(a, EventType.CONVERSATION_MESSAGE_UPDATED, "{\"conversation_message_id\":\""
                        + r + "\"" + partialFields(mask, "\"position\":9", "\"in_context\":false", "\"deleted\":true")
                        + "}", 0));
        Arbitrary<Step> rowRemoved = Combinators.combine(agent, row)
                .as((a, r) -> new Step(a, EventType.CONVERSATION_MESSAGE_REMOVED, "{\"conversation_message_id\":\"" + r
                        + "\"}", 0));
        Arbitrary<Step> blockLink = Combinators.combine(agent, conversation, Arbitraries.of(BLOCKS), Arbitraries.of(
                        EventType.CONVERSATION_BLOCK_ATTACHED, EventType.CONVERSATION_BLOCK_DETACHED))
                .as((a, c, b, type) -> new Step(a, type, "{\"conversation_id\":\"" + c + "\",\"block_id\":\"" + b
                        + "\",\"label\":\"human\"}", 0));
        Arbitrary<Step> fileAttached = Combinators.combine(agent, file, Arbitraries.of("a.txt", "b.md"))
                .as((a, f, n) -> new Step(a, EventType.FILE_ATTACHED, "{\"file_agent_id\":\"" + f
                        + "\",\"file_id\":\"file-" + n + "\",\"file_name\":\"" + n + "\",\"is_open\":true,"
                        + "\"visible_content\":\"line 1\\\\nline 2\"}", 0));
        Arbitrary<Step> fileUpdated = Combinators.combine(agent, file, Arbitraries.integers().between(0, 7))
                .as((a, f, mask) -> new Step(a, EventType.FILE_UPDATED, "{\"file_agent_id\":\"" + f + "\""
                        + partialFields(mask, "\"is_open\":false", "\"visible_content\":null",
                        "\"last_accessed_at\":\"2026-11-24T10:00:00.5Z\"") + "}", 0));
        Arbitrary<Step> fileDetached = Combinators.combine(agent, file)
                .as((a, f) -> new Step(a, EventType.FILE_DETACHED, "{\"file_agent_id\":\"" + f + "\"}", 0));
        Arbitrary<Step> link = Combinators.combine(agent, Arbitraries.of(EventType.TOOL_ATTACHED, EventType.TOOL_DETACHED,
                        EventType.TAG_ADDED, EventType.TAG_REMOVED, EventType.GROUP_JOINED, EventType.SOURCE_ATTACHED,
                        EventType.IDENTITY_DETACHED), Arbitraries.of("x-1", "x-2"))
                .as((a, type, target) -> new Step(a, type, "{\"" + dev.agentlog.events.Link.field(type) + "\":\""
                        + target + "\"}", 0));
        return Arbitraries.frequencyOf(
                Tuple.of(1, conversationCreated), Tuple.of(1, conversationUpdated), Tuple.of(1, conversationDeleted),
                Tuple.of(2, rowAdded), Tuple.of(2, rowUpdated), Tuple.of(1, rowRemoved), Tuple.of(1, blockLink),
                Tuple.of(1, fileAttached), Tuple.of(1, fileUpdated), Tuple.of(1, fileDetached), Tuple.of(2, link));
    }

    private static Arbitrary<Step> blockStep() {
        Arbitrary<String> block = Arbitraries.of(BLOCKS);
        Arbitrary<String> value = Arbitraries.of("v-a", "v-b", "v-c", "a much longer block value");
        Arbitrary<Step> created = Combinators.combine(block, value)
                .as((b, v) -> new Step(b, EventType.BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"" + v
                        + "\",\"limit\":5000,\"read_only\":false,\"metadata\":{\"k\":1.50}}", 0));
        Arbitrary<Step> updated = Combinators.combine(block, value, Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(0, 3))
                .as((b, v, version, mask) -> new Step(b, EventType.BLOCK_UPDATED, partial(mask | (version != 0 ? 4 : 0),
                        "\"value\":\"" + v + "\"", "\"label\":\"" + v + "-label\"", "\"version\":" + version), 0));
        Arbitrary<Step> deleted = block.map(b -> new Step(b, EventType.BLOCK_DELETED, "{}", 0));
        return Arbitraries.frequencyOf(Tuple.of(2, created), Tuple.of(5, updated),
                Tuple.of(1, deleted));
    }

    private static Arbitrary<Step> archiveStep() {
        Arbitrary<String> archive = Arbitraries.of(ARCHIVES);
        Arbitrary<String> passage = Arbitraries.of(PASSAGES);
        Arbitrary<Step> created = archive.map(r -> new Step(r, EventType.ARCHIVE_CREATED,
                "{\"name\":\"" + r + "-name\",\"embedding_config\":{\"embedding_dim\":3}}", 0));
        Arbitrary<Step> inserted = Combinators.combine(archive, passage, Arbitraries.integers().between(0, 2))
                .as((r, p, shape) -> new Step(r, EventType.PASSAGE_INSERTED, "{\"passage_id\":\"" + p
                        + "\",\"text\":\"text of " + p + "\""
                        + (shape == 1 ? ",\"tags\":[\"a\",\"b\"],\"embedding\":[0.1,-2.5,1.0E-7]" : "")
                        + (shape == 2 ? ",\"metadata\":{\"n\":1e2},\"created_at\":\"2026-02-02T00:00:00Z\"" : "")
                        + "}", 0));
        Arbitrary<Step> passageDeleted = Combinators.combine(archive, passage)
                .as((r, p) -> new Step(r, EventType.PASSAGE_DELETED, "{\"passage_id\":\"" + p + "\"}", 0));
        Arbitrary<Step> deleted = archive.map(r -> new Step(r, EventType.ARCHIVE_DELETED, "{}", 0));
        return Arbitraries.frequencyOf(Tuple.of(2, created), Tuple.of(4, inserted),
                Tuple.of(1, passageDeleted), Tuple.of(1, deleted));
    }

    /** An erasure of an agent with one of the blocks and archives (docs/privacy.md): everything of them goes. */
    private static Arbitrary<Step> erasureStep() {
        return Combinators.combine(Arbitraries.of(AGENTS), Arbitraries.of(BLOCKS), Arbitraries.of(ARCHIVES))
                .as((a, b, r) -> new Step(a, EventType.SUBJECT_ERASED, "{\"requested_by\":\"ops\",\"agents\":[\"" + a
                        + "\"],\"blocks\":[\"" + b + "\"],\"archives\":[\"" + r + "\"]}", 0));
    }

    private static Arbitrary<Step> rowStep() {
        return Combinators.combine(Arbitraries.of("tools:tool-1", "tools:tool-2"), Arbitraries.of("c", "u", "d"))
                .as((s, op) -> new Step(s, EventType.ROW_CHANGED, "{\"table\":\"tools\",\"op\":\"" + op
                        + "\",\"before\":null,\"after\":" + ("d".equals(op) ? "null" : "{\"id\":\"" + s + "\"}") + "}", 0));
    }

    /** A JSON object with the fields whose bit is set in mask. */
    private static String partial(int mask, String... fields) {
        return "{" + partialFields(mask, fields).replaceFirst("^,", "") + "}";
    }

    /** ",f1,f3..." for the fields whose bit is set (empty fields skipped). */
    private static String partialFields(int mask, String... fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if ((mask & (1 << i)) != 0 && !fields[i].isEmpty()) {
                out.append(',').append(fields[i]);
            }
        }
        return out.toString();
    }

    private static String jsonStrings(List<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add("\"" + v + "\""));
        return "[" + String.join(",", quoted) + "]";
    }
}
