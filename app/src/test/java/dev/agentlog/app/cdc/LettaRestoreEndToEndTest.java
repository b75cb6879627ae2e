package dev.agentlog.app.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.cli.ExitCodes;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.events.EventCodec;
import dev.agentlog.workload.LettaSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Letta round trip: Letta's write pattern on the final schema (conversations, folders and open files, tools,
 * identities, a sleeptime group, tags, runs and steps, TOASTed embeddings updated without being resent, a legacy
 * {@code function}-role message, a tool call orphaned by a crash) captured into the real pipeline; then, for sampled
 * instants T, {@code agentlog letta restore} of each agent into a fresh Letta database must give back the source's
 * rows at T, table by table, column by column. The same after {@code agentlog rebuild}. Then --repair, the refusal of
 * an agent the target holds, and --as.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LettaRestoreEndToEndTest {
    static final String NAME = "lettarestore";

    static LettaSource source;
    static CdcSettings settings;
    static LettaCdc cdc;
    static LettaWriter writer;
    static LettaAgentAdmin admin;
    static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    static LettaRestoreSamples samples;
    static LettaWriter.Agent ada;
    static LettaWriter.Agent sleeper;
    static LettaWriter.Agent bo;
    static String orphan;

    @BeforeAll
    static void start() throws Exception {
        source = new LettaSource(NAME, registry);
        writer = source.writer;
        admin = new LettaAgentAdmin(writer);
        samples = new LettaRestoreSamples(source);
        settings = source.settings("agentlog_restore");
        LettaSource.applyRequiredSetup(settings); // the typed tables keep the default replica identity: TOAST as is
    }

    @AfterAll
    static void stop() throws Exception {
        if (cdc != null) {
            cdc.close();
        }
        if (settings != null) {
            source.dropSlot(settings);
        }
        source.close();
    }

    @Test
    @Order(1)
    void shouldRestoreEachAgentAsItWasAtEachSampledInstantAlsoAfterARebuild() throws Exception {
        writer.organization();
        ada = writer.createAgent("ada", "persona", "I am Ada's helper.", "human", "Name: Ada");
        cdc = new LettaCdc(settings, source.publisher, registry).start();
        Await.until("the replication slot", LettaMirror.TIMEOUT, () -> writer.query(
                "SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'agentlog_restore'"), s -> !s.isEmpty());
        // The log's history of a row begins when capture first read it: the snapshot (occurred_at the row's
        // updated_at) must be through before the writes whose instants the test samples.
        source.mirror.await();
        String human = writer.query("SELECT block_id FROM blocks_agents WHERE agent_id = ? AND block_label = 'human'",
                ada.id).get(0);
        writer.turn(ada, "I prefer tea.", "Noted.", writer.editBlock(human, "Name: Ada\nPrefers tea.", ada.id));
        writer.rewriteAttached(human);
        String passage = writer.archivalInsert(ada, "Ada prefers tea.", "drinks");
        samples.sample(ada);

        writer.editPassageText(passage, "Ada prefers green tea."); // the TOASTed embedding is not sent again
        writer.retag(passage, ada.archiveId, "drinks", "green");
        LettaConversations conversations = new LettaConversations(writer);
        LettaWriter.Agent trip = conversations.create(ada, "Trip planning", "human");
        conversations.turn(trip, "Plan a trip to Rome.", "Rome it is.");
        LettaFolders folders = new LettaFolders(writer);
        String folder = folders.folder("handbook");
        String file = folders.upload(folder, "handbook.txt", LettaFolders.longText("The handbook"));
        folders.attach(ada, folder);
        folders.open(ada, file, 2, 4);
        admin.attachTool(ada, "web_search", true);
        admin.identity(ada, human, "Ada Lovelace");
        admin.setTags(ada, "support", "vip");
        sleeper = admin.sleeptime(ada, "ada");
        admin.sleeptimeTick(ada, sleeper, human, "Name: Ada\nPrefers green tea.");
        samples.sample(ada, sleeper);

        cdc.close(); // a restart: the next unchanged-embedding update is completed from the source, not from memory
        cdc = new LettaCdc(settings, source.publisher, registry).start();
        writer.editPassageText(passage, "Ada prefers green tea, no sugar.");
        conversations.turn(trip, "And Florence?", "Florence too.");
        folders.markAccess(ada);
        bo = writer.createAgent("bo", "persona", "I am Bo.");
        writer.turn(bo, "Hello", "Hi.");
        legacyFunctionPair(bo);
        orphan = crashedToolCall(bo);
        samples.sample(ada, sleeper, bo);

        conversations.delete(trip);
        folders.detach(ada, folder);
        admin.setTags(ada, "support");
        writer.summarize(ada, 2);
        samples.sample(ada, sleeper, bo);

        source.mirror.await(); // every change is through capture, processor and sink
        Map<String, List<String>> third = samples.sourceAt.get(new ArrayList<>(samples.sourceAt.keySet()).get(2));
        assertThat(LettaAgentRows.sizes(third)).as("the third instant has rows in every table compared")
                .allSatisfy((table, size) -> assertThat(size).as(table).isPositive());
        for (String at : samples.sourceAt.keySet()) {
            samples.assertRestored(at, "restore_t" + samples.index(at));
        }

        CliRun rebuild = CliRun.of(samples.pgArgs("rebuild", "--bootstrap-servers", TestRuntime.get().bootstrapServers(),
                "--topic-prefix", NAME, "--group-id", NAME + "-sink", "--drop-old"));
        assertThat(rebuild.exitCode()).as(rebuild.err() + rebuild.out()).isZero();
        for (String at : samples.sourceAt.keySet()) {
            samples.assertRestored(at, "restore_r" + samples.index(at));
        }
    }

    @Test
    @Order(2)
    void shouldDropExactlyTheOrphanedToolCallWithRepair() throws Exception {
        Map<String, List<String>> expected = samples.sourceAt.get(samples.last);
        HikariDataSource target = samples.freshLetta("restore_repair");
        try (target) {
            CliRun run = samples.restore(bo.id, samples.last, "restore_repair", "--repair");
            assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
            assertThat(run.out()).contains("--repair dropped 1 message(s)", orphan + " (assistant): tool call call-orphan-");
            Map<String, List<String>> restored = LettaAgentRows.of(target, List.of(bo.id));
            List<String> messages = new ArrayList<>(expected.get("messages").stream()
                    .filter(row -> row.contains("\"agent_id\": \"" + bo.id + "\"")).toList());
            assertThat(messages.removeIf(row -> row.contains("\"id\": \"" + orphan + "\""))).isTrue();
            assertThat(restored.get("messages")).as("every message but the orphaned call").isEqualTo(messages);
            List<String> window = new ArrayList<>();
            for (String row : expected.get("agents")) {
                JsonNode agent = EventCodec.JSON.readTree(row);
                if (agent.get("id").asText().equals(bo.id)) {
                    agent.get("message_ids").forEach(id -> window.add(id.asText()));
                }
            }
            assertThat(window.remove(orphan)).isTrue();
            List<String> restoredWindow = new ArrayList<>();
            EventCodec.JSON.readTree(Rows.of(target, "SELECT message_ids::text FROM agents").get(0))
                    .forEach(id -> restoredWindow.add(id.asText()));
            assertThat(restoredWindow).as("the window without it, the legacy function-role pair kept")
                    .isEqualTo(window).hasSizeGreaterThan(4);
        }
    }

    @Test
    @Order(3)
    void shouldRefuseAnAgentTheTargetHoldsAndRestoreItUnderNewIdsWithAs() throws Exception {
        String targetDb = "restore_t" + samples.index(samples.last);
        TestRuntime runtime = TestRuntime.get();
        String password = runtime.postgres.password();
        String urlWithPassword = "jdbc:postgresql://127.0.0.1:" + runtime.postgres.port() + "/" + targetDb + "?user="
                + runtime.postgres.user() + "&password=" + password;
        CliRun refused = CliRun.of(samples.pgArgs("letta", "restore", ada.id, "--at", samples.last, "--target-pg-url", urlWithPassword));
        assertThat(refused.exitCode()).as(refused.err() + refused.out()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(refused.err()).contains("already holds agent " + ada.id, "nothing was written", "--as NEW_ID");
        if (password != null && !password.isEmpty()) {
            assertThat(refused.err() + refused.out()).doesNotContain(password);
        }

        String newId = "agent-" + UUID.randomUUID();
        HikariDataSource target = LettaRestoreSamples.pool(targetDb);
        try (target) {
            Map<String, Integer> before = LettaAgentRows.counts(target);
            CliRun forked = CliRun.of(samples.pgArgs("letta", "restore", ada.id, "--at", samples.last, "--target-pg-url", urlWithPassword,
                    "--as", newId));
            assertThat(forked.exitCode()).as(forked.err() + forked.out()).isZero();
            Map<String, List<String>> original = LettaAgentRows.of(target, List.of(ada.id));
            Map<String, List<String>> copy = LettaAgentRows.of(target, List.of(newId));
            for (String table : List.of("messages", "conversations", "conversation_messages", "files_agents",
                    "blocks_agents", "archives_agents", "tools_agents", "identities_agents", "agents_tags")) {
                assertThat(copy.get(table)).as(table).hasSameSizeAs(original.get(table));
            }
            assertThat(Rows.of(target, "SELECT id FROM messages WHERE agent_id = '" + newId + "'"))
                    .allMatch(id -> id.matches("message-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))
                    .noneMatch(id -> original.get("messages").stream().anyMatch(row -> row.contains(id)));
            assertThat(Rows.of(target, "SELECT count(*) FROM json_array_elements_text((SELECT message_ids FROM agents "
                    + "WHERE id = '" + newId + "')) m(id) WHERE m.id NOT IN (SELECT id FROM messages WHERE agent_id = '"
                    + newId + "')")).as("the new window names the new messages").containsExactly("0");
            assertThat(Rows.of(target, "SELECT tool_id FROM tools_agents WHERE agent_id = '" + newId + "' ORDER BY 1"))
                    .as("shared rows stay shared").isEqualTo(Rows.of(target, "SELECT tool_id FROM tools_agents WHERE "
                            + "agent_id = '" + ada.id + "' ORDER BY 1"));
            Map<String, Integer> after = LettaAgentRows.counts(target);
            assertThat(after.get("tools")).isEqualTo(before.get("tools"));
            assertThat(after.get("organizations")).isEqualTo(before.get("organizations"));
        }
    }

    /** A MemGPT-era pair in the window: an assistant call and its result in a legacy function-role row (text, no content). */
    static void legacyFunctionPair(LettaWriter.Agent agent) throws Exception {
        String call = "call-legacy-" + UUID.randomUUID();
        String assistant = LettaWriter.id("message");
        String function = LettaWriter.id("message");
        writer.tx(c -> {
            LettaWriter.exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, tool_calls) VALUES "
                    + "(?, ?, ?, 'assistant', '[]', ?::json)", assistant, LettaWriter.ORG, agent.id, "[{\"id\":\"" + call
                    + "\",\"type\":\"function\",\"function\":{\"name\":\"send_message\",\"arguments\":\"{}\"}}]");
            LettaWriter.exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, text, content, name, "
                    + "tool_call_id) VALUES (?, ?, ?, 'function', 'OK', NULL, 'send_message', ?)", function,
                    LettaWriter.ORG, agent.id, call);
        });
        agent.window.addAll(List.of(assistant, function));
        writer.updateWindow(agent);
    }

    /** A crash mid-step: the assistant's tool call stored and in the window, its tool result never written. */
    static String crashedToolCall(LettaWriter.Agent agent) throws Exception {
        String assistant = LettaWriter.id("message");
        writer.tx(c -> LettaWriter.exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, "
                + "tool_calls) VALUES (?, ?, ?, 'assistant', ?::json, ?::json)", assistant, LettaWriter.ORG, agent.id,
                LettaWriter.content("Let me look."), "[{\"id\":\"call-orphan-" + UUID.randomUUID() + "\",\"type\":"
                        + "\"function\",\"function\":{\"name\":\"web_search\",\"arguments\":\"{}\"}}]"));
        agent.window.add(assistant);
        writer.updateWindow(agent);
        return assistant;
    }
}
