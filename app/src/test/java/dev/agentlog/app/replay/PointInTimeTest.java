package dev.agentlog.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.StreamKind;
import dev.agentlog.query.ForkRewriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time state, history and export/import against the real pipeline. A Letta agent lives through
 * seven steps ({@link LettaStory}); after each one the pipeline is drained and the agent's state is read from
 * the live tables (what `agentlog state` prints without --at): that is the snapshot the state produced from
 * the log for that instant must equal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeTest {
    static final LettaStory STORY = new LettaStory("pit");
    static final String FORK = "agent-pit-fork";
    static ReplayFixture fixture;
    /** The live state after each step, and the instant of the step's last event. */
    static final List<JsonNode> snapshots = new ArrayList<>();
    static final List<Instant> instants = new ArrayList<>();

    @BeforeAll
    static void liveThroughTheStory() throws Exception {
        fixture = new ReplayFixture("pit", "pit");
        List<List<String>> steps = STORY.steps();
        for (int i = 0; i < steps.size(); i++) {
            fixture.publish(steps.get(i));
            fixture.probe.awaitDrained();
            snapshots.add(state(STORY.agent, null));
            instants.add(LettaStory.BASE.plusSeconds(60L * (i + 1) + steps.get(i).size() - 1));
        }
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static JsonNode state(String agent, Instant at) throws Exception {
        List<String> extra = new ArrayList<>(List.of(agent));
        if (at != null) {
            extra.addAll(List.of("--at", at.toString()));
        }
        CliRun run = Cli.run(fixture.args("state", extra, false));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return EventCodec.JSON.readTree(run.out());
    }

    static JsonNode withoutAt(JsonNode state) {
        ObjectNode copy = state.deepCopy();
        copy.remove("at");
        return copy;
    }

    @Test
    @Order(1)
    void shouldGiveAtEachInstantTheStateTheLiveTablesHadThen() throws Exception {
        for (int i = 0; i < instants.size(); i++) {
            JsonNode then = state(STORY.agent, instants.get(i));

            assertThat(withoutAt(then)).as("state at step %d (%s)", i + 1, instants.get(i)).isEqualTo(withoutAt(snapshots.get(i)));
            assertThat(then.get("at").asText()).isEqualTo(instants.get(i).toString());
        }
        // the steps did change the state: a block edit, a summary, a delete are all visible
        assertThat(snapshots.get(1).toString()).contains("\"value\":\"Name: Ada\"");
        assertThat(snapshots.get(2).toString()).contains("Name: Ada\\nLikes tea.");
        assertThat(snapshots.get(3).toString()).contains("\"role\":\"summary\"");
        assertThat(snapshots.get(6).get("agent").get("deleted_at").isNull()).isFalse();
    }

    @Test
    @Order(2)
    void shouldShowEvictedAndRewrittenMessagesAsTheyWereBetweenSteps() throws Exception {
        JsonNode beforeEdit = state(STORY.agent, instants.get(1).plusSeconds(30));

        assertThat(withoutAt(beforeEdit)).isEqualTo(withoutAt(snapshots.get(1)));
        assertThat(beforeEdit.get("context")).hasSize(5);
        assertThat(beforeEdit.get("context").get(0).get("message").get("content").get(0).get("text").asText())
                .isEqualTo("You are Sam.");
        assertThat(beforeEdit.get("context").get(1).get("message").get("role").asText()).isEqualTo("user");
        assertThat(beforeEdit.get("passage_count").asLong()).isEqualTo(2);
    }

    @Test
    @Order(2)
    void shouldShowTheAgentsConversationsFilesAndLinksAsTheyWereThen() throws Exception {
        JsonNode afterTurn = state(STORY.agent, instants.get(1));
        JsonNode afterSummary = state(STORY.agent, instants.get(3));

        assertThat(afterTurn.at("/conversations/0/window").toString())
                .isEqualTo("[\"" + STORY.messageId(0) + "\",\"" + STORY.messageId(4) + "\"]");
        assertThat(afterTurn.at("/files/0/is_open").asBoolean()).isTrue();
        assertThat(afterTurn.at("/files/0/visible_content").asText()).isEqualTo("1: Read me.");
        assertThat(afterTurn.at("/links").toString()).contains("\"tag\":[\"vip\"]", "\"tool\":[\"tool-pit-search\"]");
        assertThat(afterSummary.at("/conversations/0/window").toString()).isEqualTo("[\"" + STORY.messageId(4) + "\"]");
        assertThat(afterSummary.at("/files/0/is_open").asBoolean()).isFalse();
        assertThat(afterSummary.at("/files/0/visible_content").isNull()).isTrue();
        assertThat(afterSummary.at("/links").toString()).doesNotContain("vip").contains("tool-pit-search");
        assertThat(state(STORY.agent, instants.get(0)).at("/conversations").size()).as("before the turn").isZero();
    }

    @Test
    @Order(3)
    void shouldFindNoAgentBeforeItsFirstEvent() {
        CliRun run = Cli.run(fixture.args("state", List.of(STORY.agent, "--at", "2026-11-24T09:00:00Z"), false));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no agent " + STORY.agent);
    }

    @Test
    @Order(4)
    void shouldAnswerTheSameStateOverHttp() throws Exception {
        HttpResponse<String> now = fixture.get("/v1/agents/" + STORY.agent);
        HttpResponse<String> then = fixture.get("/v1/agents/" + STORY.agent + "?at=" + instants.get(2));
        HttpResponse<String> unknown = fixture.get("/v1/agents/agent-nobody");
        HttpResponse<String> badTime = fixture.get("/v1/agents/" + STORY.agent + "?at=yesterday");

        assertThat(now.statusCode()).as(now.body()).isEqualTo(200);
        assertThat(EventCodec.JSON.readTree(now.body())).isEqualTo(snapshots.get(6));
        assertThat(then.statusCode()).isEqualTo(200);
        assertThat(EventCodec.JSON.readTree(then.body())).isEqualTo(state(STORY.agent, instants.get(2)));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(badTime.statusCode()).isEqualTo(400);
        assertThat(badTime.body()).contains("at must be an RFC 3339 timestamp");
    }

    @Test
    @Order(5)
    void shouldListEveryBlockEditWithADiff() throws Exception {
        CliRun text = Cli.run(fixture.args("history", List.of(STORY.human), false));
        HttpResponse<String> json = fixture.get("/v1/blocks/" + STORY.human + "/history");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("block.created", "version 1 -> version 2", "--- version 1", "+++ version 2",
                "     Name: Ada", "    +Likes tea.", "not applied", "by " + STORY.agent);
        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode changes = EventCodec.JSON.readTree(json.body()).get("changes");
        assertThat(changes).hasSize(3);
        assertThat(changes.get(1).get("block_edit").get("diff").asText())
                .isEqualTo("--- version 1\n+++ version 2\n@@ -1 +1,2 @@\n Name: Ada\n+Likes tea.\n");
        assertThat(changes.get(1).get("actor").asText()).isEqualTo(STORY.agent);
        assertThat(changes.get(2).get("block_edit").get("applied").asBoolean()).isFalse();
    }

    @Test
    @Order(6)
    void shouldPageAnAgentsHistory() throws Exception {
        JsonNode first = EventCodec.JSON.readTree(fixture.get("/v1/agents/" + STORY.agent + "/history?limit=5").body());
        JsonNode rest = EventCodec.JSON.readTree(fixture.get("/v1/agents/" + STORY.agent + "/history?after_seq="
                + first.get("next_after_seq").asLong()).body());

        assertThat(first.get("changes")).hasSize(5);
        assertThat(first.get("next_after_seq").asLong()).isEqualTo(5);
        assertThat(rest.get("changes").get(0).get("stream_seq").asLong()).isEqualTo(6);
        assertThat(rest.get("next_after_seq").isNull()).isTrue();
        assertThat(rest.get("changes").get(rest.get("changes").size() - 1).get("type").asText())
                .isEqualTo("agent.deleted");
    }

    @Test
    @Order(7)
    void shouldForkTheAgentAsItWasThenUnderNewIds(@TempDir Path dir) throws Exception {
        Instant forkedAt = instants.get(4);
        Path file = dir.resolve("sam.jsonl");
        CliRun export = Cli.run(fixture.args("export", List.of(STORY.agent, "--at", forkedAt.toString(), "--out",
                file.toString()), false));
        assertThat(export.exitCode()).as(export.err()).isZero();

        CliRun imported = Cli.run(fixture.kafkaOnlyArgs("import", List.of(file.toString(), "--as", FORK)));
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        fixture.probe.awaitDrained();

        JsonNode expected = renamed(withoutAt(state(STORY.agent, forkedAt)), idsOfTheFork(file));
        assertThat(withoutAt(state(FORK, null))).isEqualTo(expected);
        assertThat(expected.toString()).doesNotContain(STORY.agent).contains(FORK);

        long events = fixture.probe.count("events");
        CliRun again = Cli.run(fixture.kafkaOnlyArgs("import", List.of(file.toString(), "--as", FORK)));
        assertThat(again.exitCode()).as(again.err()).isZero();
        fixture.probe.awaitDrained();
        assertThat(fixture.probe.count("events")).isEqualTo(events);
    }

    /** Old id -> the fork's id, for every id the exported events carry. */
    static Map<String, String> idsOfTheFork(Path file) throws Exception {
        ForkRewriter fork = ForkRewriter.asNewAgent(STORY.agent, FORK);
        Map<String, String> ids = new HashMap<>();
        ids.put(STORY.agent, FORK);
        for (String line : Files.readAllLines(file)) {
            JsonNode e = EventCodec.JSON.readTree(line);
            ids.put(e.get("event_id").asText(), fork.eventId(e.get("event_id").asText()));
            StreamKind kind = EventType.fromWireName(e.get("type").asText()).orElseThrow().streamKind();
            String stream = e.get("stream_id").asText();
            if (kind == StreamKind.BLOCK) {
                ids.put(stream, fork.blockId(stream));
            } else if (kind == StreamKind.ARCHIVE) {
                ids.put(stream, fork.archiveId(stream));
            }
            JsonNode p = e.get("payload");
            if (p.has("message_id")) {
                ids.put(p.get("message_id").asText(), fork.messageId(p.get("message_id").asText()));
            }
            if (p.has("passage_id")) {
                ids.put(p.get("passage_id").asText(), fork.passageId(p.get("passage_id").asText()));
            }
            // the agent's conversation and open-file rows are its own: the fork renames them as it sends them
            JsonNode forked = fork.rewrite((ObjectNode) e).get("payload");
            for (String field : List.of("conversation_id", "conversation_message_id", "file_agent_id")) {
                if (p.has(field)) {
                    ids.put(p.get(field).asText(), forked.get(field).asText());
                }
            }
        }
        return ids;
    }

    static JsonNode renamed(JsonNode node, Map<String, String> ids) {
        if (node.isTextual()) {
            return new TextNode(ids.getOrDefault(node.textValue(), node.textValue()));
        }
        if (node instanceof ObjectNode object) {
            ObjectNode out = object.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                out.set(field.getKey(), renamed(field.getValue(), ids));
            }
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = array.arrayNode();
            array.forEach(item -> out.add(renamed(item, ids)));
            return out;
        }
        return node;
    }
}
