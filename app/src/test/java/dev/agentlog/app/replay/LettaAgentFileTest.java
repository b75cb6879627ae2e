package dev.agentlog.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Sealing;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.query.agentfile.AgentFileCheck;
import dev.agentlog.query.agentfile.AgentFileImport;
import dev.agentlog.query.agentfile.ImportIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentlog letta import} and {@code agentlog letta export --format af} through the real pipeline (ingest's
 * path into Kafka, processor, sink, PostgreSQL) with encryption on: files in the shape Letta 0.16.8's server writes
 * (query's test resources {@code agentfile/}) come back the same after import and export, as themselves and as a fork.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LettaAgentFileTest {
    /** The test agent files, written from Letta's AgentFileSchema (make-test-files.py there says how). */
    static final Path FILES = Path.of("..", "query", "src", "test", "resources", "agentfile");
    static final Pattern IMPORTED = Pattern.compile("(agent-\\d+) as (\\S+?)(,|$)", Pattern.MULTILINE);
    static ReplayFixture fixture;
    static Path kekFile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        kekFile = Files.createDirectories(TestRuntime.get().dataDir.resolve("agentfile")).resolve("kek.json");
        Files.deleteIfExists(kekFile);
        KeyEncryptionKey.create(kekFile);
        fixture = new ReplayFixture("agentfile", "agentfile", kekFile);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static CliRun letta(String command, List<String> extra, boolean withKafka) {
        List<String> args = new ArrayList<>(extra);
        args.addAll(List.of("--kek-file", kekFile.toString()));
        return Cli.run(fixture.args("letta " + command, args, withKafka));
    }

    /** Imports the file; returns the new id of each of its agents, in file order. */
    static List<String> importFile(Path file, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(file.toString()));
        args.addAll(List.of(extra));
        CliRun run = letta("import", args, true);
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, String> agents = new LinkedHashMap<>();
        Matcher m = IMPORTED.matcher(run.out().substring(run.out().indexOf(':') + 1));
        while (m.find()) {
            agents.put(m.group(1), m.group(2));
        }
        fixture.probe.awaitDrained();
        return List.copyOf(agents.values());
    }

    static JsonNode export(List<String> agents, String... extra) throws Exception {
        Path out = dir.resolve("export-" + System.nanoTime() + ".af");
        List<String> args = new ArrayList<>(agents);
        args.addAll(List.of(extra));
        args.addAll(List.of("--format", "af", "--out", out.toString()));
        CliRun run = letta("export", args, false);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return EventCodec.JSON.readTree(out.toFile());
    }

    /** The file with the export's own instant in place of the original's. */
    static JsonNode as(Path file, JsonNode exported) throws Exception {
        ObjectNode original = (ObjectNode) EventCodec.JSON.readTree(file.toFile());
        original.set("created_at", exported.get("created_at"));
        return original;
    }

    static long events(String sql, String parameter) throws Exception {
        try (Connection c = fixture.pool.getConnection();
             PreparedStatement ps = c.prepareStatement(sql.replace("EVENTS", fixture.schema + ".events"))) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    @Order(1)
    void shouldImportSeveralAgentsSealedAndExportTheSameFile() throws Exception {
        Path file = FILES.resolve("sleeptime-group.af");

        List<String> agents = importFile(file);
        JsonNode exported = export(agents);

        assertThat(agents).hasSize(2);
        assertThat(exported).isEqualTo(as(file, exported));
        assertThat(AgentFileCheck.problems(exported)).isEmpty(); // what Letta's importer checks first
        assertThat(Instant.parse(exported.get("created_at").asText())).isBefore(Instant.now().plusSeconds(1));
        // the messages went through the same path as every other import: sealed in the log
        assertThat(events("SELECT count(*) FROM EVENTS WHERE stream_id = ? AND type = 'message.created'"
                + " AND payload::text LIKE '%" + Sealing.FIELD + "%'", agents.get(0))).isEqualTo(5);
        assertThat(events("SELECT count(*) FROM EVENTS WHERE payload::text LIKE '%prefer tea%'", null)).isZero();
        // an agent of the file, exported alone, brings its group's other agent with it (as Letta's exporter does)
        assertThat(export(List.of(agents.get(0))).get("agents")).hasSize(2);
    }

    @Test
    @Order(2)
    void shouldRefuseTheSameFileImportedAgainAndResumeAHalfDoneImport() throws Exception {
        Path file = FILES.resolve("sleeptime-group.af");
        long before = events("SELECT count(*) FROM EVENTS", null);

        CliRun again = letta("import", List.of(file.toString()), true);

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("was imported before (agent-0 as agent-", "nothing was sent",
                "--as NEW_AGENT_ID imports it as a new agent");
        // an import that stopped half-way (Kafka acknowledged only its first chunk): the log holds its first events
        Path half = FILES.resolve("one-agent.af");
        List<ObjectNode> made = AgentFileImport.events(EventCodec.JSON.readTree(half.toFile()),
                ImportIds.asAgent("agent-af-half", Files.readAllBytes(half)), Instant.now()).events();
        fixture.publish(made.subList(0, made.size() / 2).stream().map(ObjectNode::toString).toList());
        fixture.probe.awaitDrained();

        CliRun resumed = letta("import", List.of(half.toString(), "--as", "agent-af-half"), true);

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming the import", (made.size() / 2) + " of its " + made.size()
                + " events are in the log already");
        fixture.probe.awaitDrained();
        assertThat(events("SELECT count(*) FROM EVENTS", null)).isEqualTo(before + made.size());
        JsonNode exported = export(List.of("agent-af-half"));
        assertThat(exported).isEqualTo(as(half, exported));
    }

    @Test
    @Order(3)
    void shouldForkAsANewAgentAndRefuseAnIdThatIsTaken() throws Exception {
        Path file = FILES.resolve("one-agent.af");

        List<String> fork = importFile(file, "--as", "agent-af-fork");
        JsonNode exported = export(fork);

        assertThat(fork).containsExactly("agent-af-fork");
        assertThat(exported).isEqualTo(as(file, exported));
        long before = events("SELECT count(*) FROM EVENTS", null);
        // another file as the same agent: its events would mix into the fork's
        Path other = dir.resolve("other.af");
        ObjectNode changed = (ObjectNode) EventCodec.JSON.readTree(file.toFile());
        ((ObjectNode) changed.at("/agents/0")).put("name", "another");
        EventCodec.JSON.writeValue(other.toFile(), changed);

        CliRun refused = letta("import", List.of(other.toString(), "--as", "agent-af-fork"), true);

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("agent-af-fork", "exist(s) already with other events",
                "choose another --as", "nothing was sent");
        fixture.probe.awaitDrained();
        assertThat(events("SELECT count(*) FROM EVENTS", null)).isEqualTo(before);
    }

    @Test
    @Order(4)
    void shouldRefuseABadFileNamingTheFieldAndSendNothing() throws Exception {
        long before = events("SELECT count(*) FROM EVENTS", null);
        ObjectNode bad = (ObjectNode) EventCodec.JSON.readTree(FILES.resolve("sleeptime-group.af").toFile());
        ((ObjectNode) bad.at("/agents/1/messages/2")).remove("role");
        Path file = dir.resolve("bad.af");
        EventCodec.JSON.writeValue(file.toFile(), bad);

        CliRun refused = letta("import", List.of(file.toString()), true);
        CliRun notJson = letta("import", List.of(FILES.resolve("make-test-files.py").toString()), true);

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("agents[1].messages[2].role: is required", "nothing was sent");
        assertThat(notJson.exitCode()).isEqualTo(2);
        assertThat(notJson.err()).contains("is not JSON");
        fixture.probe.awaitDrained();
        assertThat(events("SELECT count(*) FROM EVENTS", null)).isEqualTo(before);
    }

    @Test
    @Order(5)
    void shouldExportTheAgentAsItWasAtAnInstant() throws Exception {
        Path file = FILES.resolve("one-agent.af");
        String agent = importFile(file, "--as", "agent-af-then").get(0);
        Instant then = Instant.now(); // the import is drained: every one of its events occurred by then
        Instant later = then.plusSeconds(5);
        String block;
        try (Connection c = fixture.pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT block_id FROM " + fixture.schema + ".agent_blocks"
                     + " WHERE agent_id = ? AND label = 'human'")) {
            ps.setString(1, agent);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                block = rs.getString(1);
            }
        }
        String envelope = "{\"event_id\":\"%s\",\"type\":\"%s\",\"schema_version\":%d,\"stream_id\":\"%s\","
                + "\"occurred_at\":\"" + later + "\",\"payload\":%s}";
        fixture.publish(List.of(
                String.format(envelope, "af-then-1", "agent.updated", 1, agent, "{\"name\":\"sam, renamed\"}"),
                String.format(envelope, "af-then-2", "message.created", 2, agent, "{\"message_id\":\"message-af-then\","
                        + "\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Coffee now.\"}]}"),
                String.format(envelope, "af-then-3", "block.updated", 1, block,
                        "{\"value\":\"Name: Ada. Prefers coffee.\",\"version\":2}")));
        fixture.probe.awaitDrained();

        JsonNode atThen = export(List.of(agent), "--at", then.toString());
        JsonNode afterwards = export(List.of(agent), "--at", later.toString());

        assertThat(atThen).isEqualTo(as(file, atThen));
        assertThat(afterwards.at("/agents/0/name").asText()).isEqualTo("sam, renamed");
        assertThat(afterwards.at("/agents/0/messages")).hasSize(6);
        assertThat(afterwards.at("/agents/0/messages/5/content/0/text").asText()).isEqualTo("Coffee now.");
        assertThat(afterwards.at("/blocks/0/value").asText()).isEqualTo("Name: Ada. Prefers coffee.");
    }

    @Test
    @Order(6)
    void shouldSayWhichAgentDoesNotExist() {
        CliRun run = letta("export", List.of("agent-nobody", "--at", "2026-11-24T10:00:00Z"), false);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("agent agent-nobody does not exist at 2026-11-24T10:00:00Z");
    }
}
