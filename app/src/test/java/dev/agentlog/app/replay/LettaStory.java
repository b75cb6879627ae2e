package dev.agentlog.app.replay;

import static dev.agentlog.app.replay.TestEvents.event;
import static dev.agentlog.app.replay.TestEvents.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Letta agent's life in steps, each a list of events one minute after the previous step: created with
 * three blocks (one shared with a second agent) and an archive; a turn with a tool call; a core-memory edit
 * and the system message rewritten; a summary that evicts messages, a message and a passage deleted; an edit
 * of the shared block by the other agent, a stale edit, a detach, a rename; the shared block deleted; the
 * agent deleted. Every id carries {@code tag} so that test classes do not collide.
 */
final class LettaStory {
    static final Instant BASE = Instant.parse("2026-11-24T10:00:00Z");

    final String agent;
    final String other;
    final String human;
    final String persona;
    final String shared;
    final String archive;
    final String conversation;
    final String file;
    private final String tag;
    private int eventCounter;

    LettaStory(String tag) {
        this.tag = tag;
        agent = "agent-" + tag + "-a";
        other = "agent-" + tag + "-b";
        human = "block-" + tag + "-human";
        persona = "block-" + tag + "-persona";
        shared = "block-" + tag + "-shared";
        archive = "archive-" + tag + "-a";
        conversation = "conv-" + tag;
        file = "file_agent-" + tag;
    }

    /** A row of the conversation: message {@code message} at {@code position}. */
    private String row(int n, int message, int position, boolean inContext) {
        return "{\"conversation_message_id\":\"" + conversation + "-row-" + n + "\",\"conversation_id\":\"" + conversation
                + "\",\"message_id\":\"" + messageId(message) + "\",\"position\":" + position + ",\"in_context\":"
                + inContext + "}";
    }

    String messageId(int n) {
        return "message-" + tag + "-" + n;
    }

    String passage(int n) {
        return "passage-" + tag + "-" + n;
    }

    /** When step {@code step} (1-based) happens: its last event's occurred_at. */
    static Instant timeOf(int step, int eventsInStep) {
        return BASE.plusSeconds(60L * step + eventsInStep - 1);
    }

    /** The steps, in order. */
    List<List<String>> steps() {
        List<List<String>> steps = new ArrayList<>();
        steps.add(step(1, List.of(
                e(agent, "agent.created", "{\"name\":\"sam\",\"agent_type\":\"memgpt_v2_agent\",\"system\":\"You are Sam.\","
                        + "\"llm_config\":{\"model\":\"gpt-4o-mini\",\"temperature\":0.70},\"tool_rules\":[],"
                        + "\"metadata\":{\"n\":1e2},\"future_field\":{\"kept\":true}}"),
                e(other, "agent.created", "{\"name\":\"bob\",\"agent_type\":\"memgpt_v2_agent\"}"),
                e(human, "block.created", "{\"label\":\"human\",\"value\":\"Name: Ada\",\"limit\":5000}"),
                e(persona, "block.created", "{\"label\":\"persona\",\"value\":\"I am Sam.\\nI like tea.\","
                        + "\"description\":\"Who I am\"}"),
                e(shared, "block.created", "{\"label\":\"team\",\"value\":\"Team: red\"}"),
                e(agent, "block.attached", "{\"block_id\":\"" + human + "\",\"label\":\"human\"}"),
                e(agent, "block.attached", "{\"block_id\":\"" + persona + "\",\"label\":\"persona\"}"),
                e(agent, "block.attached", "{\"block_id\":\"" + shared + "\",\"label\":\"team\"}"),
                e(other, "block.attached", "{\"block_id\":\"" + shared + "\",\"label\":\"team\"}"),
                e(archive, "archive.created", "{\"name\":\"sam-archive\",\"metadata\":{}}"),
                e(agent, "archive.attached", "{\"archive_id\":\"" + archive + "\"}"),
                e(agent, "message.created", message(messageId(0), "system", "You are Sam.")),
                e(agent, "context.updated", "{\"message_ids\":[\"" + messageId(0) + "\"]}"))));
        steps.add(step(2, List.of(
                e(agent, "message.created", message(messageId(1), "user", "Hi, I am Ada.")),
                e(agent, "message.created", "{\"message_id\":\"" + messageId(2) + "\",\"role\":\"assistant\",\"content\":[],"
                        + "\"tool_calls\":[{\"id\":\"call-1\",\"type\":\"function\",\"function\":{\"name\":"
                        + "\"core_memory_append\",\"arguments\":\"{\\\"content\\\":\\\"Likes tea.\\\"}\"}}],"
                        + "\"step_id\":\"step-1\"}"),
                e(agent, "message.created", "{\"message_id\":\"" + messageId(3) + "\",\"role\":\"tool\",\"content\":"
                        + "[{\"type\":\"text\",\"text\":\"ok\"}],\"tool_call_id\":\"call-1\"}"),
                e(agent, "message.created", message(messageId(4), "assistant", "Nice to meet you, Ada.")),
                e(agent, "context.updated", ids(0, 1, 2, 3, 4)),
                e(archive, "passage.inserted", "{\"passage_id\":\"" + passage(1) + "\",\"text\":\"Ada likes tea.\","
                        + "\"tags\":[\"pref\"],\"embedding\":[0.1,-0.25,0.5]}"),
                e(archive, "passage.inserted", "{\"passage_id\":\"" + passage(2) + "\",\"text\":\"Ada lives in Oslo.\","
                        + "\"created_at\":\"2026-11-20T00:00:00Z\"}"),
                // a named conversation sharing the greeting, a file open in the context, a tool and a tag
                e(agent, "conversation.created", "{\"conversation_id\":\"" + conversation + "\",\"summary\":\"trip\","
                        + "\"model_settings\":{\"temperature\":0.2}}"),
                e(agent, "conversation.message.added", row(1, 0, 0, true)),
                e(agent, "conversation.message.added", row(2, 4, 1, true)),
                e(agent, "file.attached", "{\"file_agent_id\":\"" + file + "\",\"file_id\":\"file-" + tag + "\","
                        + "\"file_name\":\"manual.txt\",\"is_open\":true,\"visible_content\":\"1: Read me.\"}"),
                e(agent, "tool.attached", "{\"tool_id\":\"tool-" + tag + "-search\"}"),
                e(agent, "tag.added", "{\"tag\":\"vip\"}"))));
        steps.add(step(3, List.of(
                e(human, "block.updated", "{\"value\":\"Name: Ada\\nLikes tea.\",\"version\":2}", agent, agent),
                e(agent, "message.updated", "{\"message_id\":\"" + messageId(0) + "\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"You are Sam.\\n<human>Name: Ada\\nLikes tea.</human>\"}]}"))));
        steps.add(step(4, List.of(
                e(agent, "message.created", message(messageId(5), "summary", "Ada introduced herself; likes tea.")),
                e(agent, "context.updated", ids(0, 5, 4)),
                e(agent, "message.deleted", "{\"message_id\":\"" + messageId(1) + "\"}"),
                e(archive, "passage.deleted", "{\"passage_id\":\"" + passage(1) + "\"}"),
                e(archive, "passage.inserted", "{\"passage_id\":\"" + passage(3) + "\",\"text\":\"Ada has a cat.\"}"),
                e(agent, "conversation.message.updated", "{\"conversation_message_id\":\"" + conversation
                        + "-row-1\",\"in_context\":false}"),
                e(agent, "file.updated", "{\"file_agent_id\":\"" + file + "\",\"is_open\":false,\"visible_content\":null}"),
                e(agent, "tag.removed", "{\"tag\":\"vip\"}"))));
        steps.add(step(5, List.of(
                e(shared, "block.updated", "{\"value\":\"Team: blue\",\"version\":2}", other, other),
                e(human, "block.updated", "{\"value\":\"stale edit\",\"version\":2}", agent, agent),
                e(persona, "block.updated", "{\"value\":\"I am Sam.\\nI like coffee.\",\"description\":null}"),
                e(agent, "block.detached", "{\"block_id\":\"" + persona + "\"}"),
                e(agent, "agent.updated", "{\"name\":\"samuel\"}"))));
        steps.add(step(6, List.of(e(shared, "block.deleted", "{}"))));
        steps.add(step(7, List.of(e(agent, "agent.deleted", "{}"))));
        return steps;
    }

    private String ids(int... numbers) {
        StringBuilder out = new StringBuilder("{\"message_ids\":[");
        for (int i = 0; i < numbers.length; i++) {
            out.append(i == 0 ? "" : ",").append('"').append(messageId(numbers[i])).append('"');
        }
        return out.append("]}").toString();
    }

    private List<String> step(int number, List<Pending> events) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Pending p = events.get(i);
            Instant at = BASE.plusSeconds(60L * number + i);
            out.add(event(tag + "-" + (++eventCounter), p.stream, p.type, at, p.payload, p.actor, p.agentId));
        }
        return out;
    }

    private record Pending(String stream, String type, String payload, String actor, String agentId) {}

    private static Pending e(String stream, String type, String payload) {
        return new Pending(stream, type, payload, "user-1", null);
    }

    private static Pending e(String stream, String type, String payload, String actor, String agentId) {
        return new Pending(stream, type, payload, actor, agentId);
    }
}
