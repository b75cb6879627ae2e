package dev.agentlog.app.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Main;
import dev.agentlog.app.cli.ExitCodes;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.CdcSourceException;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.cdc.SensitiveData;
import dev.agentlog.cdc.SlotWal;
import dev.agentlog.cdc.SourceDatabase;
import dev.agentlog.cdc.SourceSetup;
import dev.agentlog.letta.mapping.LettaMapping;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * Capture must never harm the database it watches: Letta's final schema (server 0.16.8) in a database of the test
 * PostgreSQL, the real pipeline behind capture. In order: capture refuses a source where it would break Letta's own
 * writes; unchanged out-of-line values keep their real value; secrets and traces stay out of the log unless named;
 * the slot releases WAL while Letta is quiet and the server is busy; Letta's whole write pattern succeeds under
 * capture, after {@code --setup}, and the projections equal the source.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaptureSafetyTest {
    static final String SCHEMA = "safety";
    static final String SLOT = "agentlog_safety";

    static LettaSource source;
    static HikariDataSource projections;
    static HikariDataSource letta;
    static EventPublisher publisher;
    static PipelineProbe probe;
    static CdcSettings settings;
    static LettaCdc cdc;
    static LettaWriter writer;
    static LettaMirror mirror;
    static LettaAgentAdmin admin;
    static LettaWriter.Agent ada;
    static final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        source = new LettaSource(SCHEMA, registry);
        projections = source.projections;
        letta = source.letta;
        publisher = source.publisher;
        probe = source.probe;
        writer = source.writer;
        mirror = source.mirror;
        admin = new LettaAgentAdmin(writer);
        // heartbeats and position flushes every second: the WAL test waits for them
        settings = source.settings(SLOT).withIntervals(CdcSettings.DEFAULT_POLL_INTERVAL_MS, 200, 1_000);
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
    void shouldRefuseToStartWhereLettasOwnWritesWouldFail() throws Exception {
        writer.organization();
        ada = writer.createAgent("ada", "persona", "I am Ada's helper.", "human", "Name: Ada");

        assertThatThrownBy(() -> new LettaCdc(settings, publisher, registry).start())
                .isInstanceOf(CdcSourceException.class)
                .hasMessageContaining("would make Letta's own writes fail")
                .hasMessageContaining("ALTER TABLE \"public\".\"agents_tags\" REPLICA IDENTITY FULL;")
                .hasMessageContaining("ALTER TABLE \"public\".\"blocks_agents\" REPLICA IDENTITY FULL;")
                .hasMessageContaining("ALTER TABLE \"public\".\"tools_agents\" REPLICA IDENTITY FULL;")
                .hasMessageContaining("agentlog cdc --setup");

        assertThat(writer.query("SELECT slot_name FROM pg_replication_slots WHERE slot_name = ?", SLOT))
                .as("nothing was started").isEmpty();
        assertThat(writer.query("SELECT pubname FROM pg_publication")).as("nothing was published").isEmpty();
        admin.setTags(ada, "support"); // Letta's DELETE of agents_tags still works
        assertThat(writer.query("SELECT tag FROM agents_tags WHERE agent_id = ?", ada.id)).containsExactly("support");
    }

    @Test
    @Order(2)
    void shouldKeepTheRealValueOfUnchangedOutOfLineColumns() throws Exception {
        // As an operator does after the refusal: only the required statements; the typed tables keep the default
        // replica identity, so an update does not resend an unchanged embedding or file text.
        LettaSource.applyRequiredSetup(settings);
        assertThat(writer.query("SELECT relreplident::text FROM pg_class WHERE relname = 'archival_passages'"))
                .containsExactly("d");
        cdc = new LettaCdc(settings, publisher, registry).start();
        String passage = writer.archivalInsert(ada, "Ada prefers tea.", "drinks");
        LettaFolders folders = new LettaFolders(writer);
        String folder = folders.folder("handbook");
        String file = folders.upload(folder, "handbook.txt", LettaFolders.longText("The handbook"));
        folders.attach(ada, folder);
        mirror.await();

        writer.editPassageText(passage, "Ada prefers green tea."); // seen by this capture: the last image is known
        folders.markAccess(ada); // visible_content is unchanged and not sent
        // a table without typed events: its row.changed names the unchanged text, the sink keeps it
        writer.tx(c -> LettaWriter.exec(c, "UPDATE file_contents SET updated_at = now() WHERE file_id = ?", file));
        cdc.close();
        cdc = new LettaCdc(settings, publisher, registry).start(); // a restart: capture forgets what it saw
        writer.editPassageText(passage, "Ada prefers green tea, no sugar.");
        writer.retag(passage, ada.archiveId, "drinks", "sugar");
        folders.markAccess(ada);
        mirror.await(); // the mirror compares every embedding number (md5 of the array), not only its length

        assertThat(Rows.of(projections, "SELECT embedding[1], embedding[2], array_length(embedding, 1) FROM "
                + SCHEMA + ".passages WHERE passage_id = '" + passage + "'")).containsExactly("0.25 | -0.5 | 4096");
        String visible = writer.query("SELECT visible_content FROM files_agents WHERE file_id = ?", file).get(0);
        assertThat(Rows.of(projections, "SELECT visible_content FROM " + SCHEMA + ".agent_files WHERE file_id = '"
                + file + "'")).as("the last known file window, not a placeholder or nothing").containsExactly(visible);
        String text = writer.query("SELECT text FROM file_contents WHERE file_id = ?", file).get(0);
        assertThat(Rows.of(projections, "SELECT \"row\"->>'text' FROM " + SCHEMA + ".source_rows "
                + "WHERE source_table = 'file_contents' AND \"row\"->>'file_id' = '" + file + "'"))
                .as("a row.changed keeps the last known text").containsExactly(text);
        assertThat(Rows.of(projections, "SELECT count(*) FROM " + SCHEMA + ".events WHERE payload::text LIKE "
                + "'%__debezium_unavailable_value%'")).containsExactly("0");
    }

    @Test
    @Order(3)
    void shouldKeepSecretsAndTracesOutOfTheLogUnlessNamed() throws Exception {
        LettaAgentAdmin.Secrets secrets = admin.secrets(ada);
        writer.turn(ada, "What is the weather?", "Sunny."); // writes a provider trace
        mirror.await();

        List<String> markers = new ArrayList<>(secrets.all());
        markers.addAll(writer.providerTraces);
        String log = String.join("\n", List.of(text(source.topics.in()), text(source.topics.events()), text(source.topics.dlq())));
        assertThat(markers).allSatisfy(marker -> assertThat(log).doesNotContain(marker));
        String stored = String.join("\n", Rows.of(projections, "SELECT payload::text FROM " + SCHEMA + ".events"))
                + String.join("\n", Rows.of(projections, "SELECT \"row\"::text FROM " + SCHEMA + ".source_rows"));
        assertThat(markers).allSatisfy(marker -> assertThat(stored).doesNotContain(marker));
        assertThat(Rows.of(projections, "SELECT \"row\"->>'key', \"row\" ? 'value_enc' FROM " + SCHEMA + ".source_rows "
                + "WHERE source_table = 'agent_environment_variables'"))
                .as("the row is captured, its secret is not").containsExactly("GITHUB_TOKEN | f");
        assertThat(Rows.of(projections, "SELECT DISTINCT source_table FROM " + SCHEMA + ".source_rows WHERE source_table "
                + "IN ('provider_traces', 'mcp_oauth')")).isEmpty();

        // Named explicitly, they are captured: a second capture into topics of its own, with every default exclusion
        // named back, snapshots what the rows hold now (not the value a rotation overwrote).
        List<String> held = new ArrayList<>(secrets.current());
        held.addAll(writer.providerTraces);
        Topics named = new Topics("safety-named");
        TopicAdmin.ensureTopics(TestRuntime.get().bootstrapServers(), named, 1, (short) 1, 604_800_000L,
                IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        CdcSettings namedSettings = settings.withSlot("agentlog_named", "agentlog_named")
                .withCaptureSensitive(SensitiveData.DEFAULTS.stream().map(SensitiveData.Exclusion::name).toList());
        try (EventPublisher namedPublisher = new EventPublisher(TestRuntime.get().bootstrapServers(), named,
                PublisherSettings.DEFAULT, Map.of());
             LettaCdc namedCapture = new LettaCdc(namedSettings, namedPublisher, new SimpleMeterRegistry()).start()) {
            Await.until("the named secrets and traces in " + named.in() + " (the value: those still missing)",
                    LettaMirror.TIMEOUT, () -> {
                        String captured = text(named.in());
                        return held.stream().filter(m -> !captured.contains(m)).toList();
                    }, List::isEmpty);
        } finally {
            source.dropSlot(namedSettings);
        }
    }

    @Test
    @Order(4)
    void shouldReleaseWalWhileLettaIsQuietAndTheServerIsBusy() throws Exception {
        Run setup = cli("cdc", "--setup", "--yes");
        assertThat(setup.exitCode()).as(setup.err()).isEqualTo(ExitCodes.OK);
        assertThat(setup.out()).contains("CREATE TABLE \"public\".\"" + SourceSetup.HEARTBEAT_TABLE + "\"",
                "ALTER TABLE \"public\".\"archival_passages\" REPLICA IDENTITY FULL");
        cdc.close();
        cdc = new LettaCdc(settings, publisher, registry).start(); // now with the heartbeat table
        Await.until("the heartbeat table in the publication", LettaMirror.TIMEOUT, () -> writer.query(
                "SELECT tablename FROM pg_publication_tables WHERE pubname = ?", SLOT),
                tables -> tables.contains(SourceSetup.HEARTBEAT_TABLE));

        try (Connection c = projections.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE busy_neighbour");
        }
        TestRuntime runtime = TestRuntime.get();
        try (HikariDataSource busy = Database.pool("jdbc:postgresql://127.0.0.1:" + runtime.postgres.port()
                + "/busy_neighbour", runtime.postgres.user(), runtime.postgres.password(), 1, "busy");
             Connection c = busy.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE filler (id bigint, pad text)");
            for (int batch = 0; batch < 4; batch++) { // about 300 MB of WAL, Letta quiet meanwhile
                s.execute("INSERT INTO filler SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 250000) g");
            }
        }
        long peak = retainedNow();
        assertThat(peak).as("the neighbour's writes are held by the slot at first").isGreaterThan(200L << 20);

        Await.until("the slot's retained WAL (agentlog.cdc.slot.retained.bytes) to fall back", LettaMirror.TIMEOUT,
                () -> {
                    checkpoint(); // restart positions move at checkpoints
                    return retainedGauge();
                }, retained -> retained < 64L << 20);

        writer.turn(ada, "Still there?", "Yes."); // and capture is still correct
        mirror.await();
    }

    @Test
    @Order(5)
    void shouldLetEveryWriteOfLettaSucceedUnderCaptureAndMirrorIt() throws Exception {
        // Under the default identity of test 2, a key-only delete of a tag row written before a restart could not be
        // attributed (a documented limitation); after --setup no change of a typed table may fall back.
        String untypedBefore = untypedChangesOfTypedTables();
        // Every statement kind of ../shared/letta/README.md; any failed statement throws and fails the test.
        LettaConversations conversations = new LettaConversations(writer);
        LettaFolders folders = new LettaFolders(writer);
        LettaWriter.Agent bo = writer.createAgent("bo", "persona", "I am Bo's helper.", "human", "Name: Bo");
        String human = writer.query("SELECT block_id FROM blocks_agents WHERE agent_id = ? AND block_label = 'human'",
                bo.id).get(0);
        writer.turn(bo, "I like maps.", "Noted.", writer.editBlock(human, "Name: Bo\nLikes maps.", bo.id));
        writer.rewriteAttached(human);
        String projects = admin.createMemory(bo, "projects", "Atlas");
        admin.renameMemory(projects, "work"); // UPDATE cascading to the keyless blocks_agents
        admin.deleteMemory(bo, "work"); // DELETE of the keyless blocks_agents
        admin.attachTool(bo, "web_search", true);
        admin.detachTool(bo, "web_search"); // DELETE of the keyless tools_agents
        admin.setTags(bo, "support", "vip");
        admin.setTags(bo, "vip"); // DELETE of the keyless agents_tags
        admin.setBlockTags(human, "pii");
        admin.setBlockTags(human);
        admin.identity(bo, human, "Bo B.");
        String passage = writer.archivalInsert(bo, "Bo collects maps.", "hobby");
        writer.retag(passage, bo.archiveId, "hobby", "maps");
        writer.editPassageText(passage, "Bo collects old maps.");
        String gone = writer.archivalInsert(bo, "Bo once lived in Oslo.", "places");
        writer.tx(c -> LettaWriter.exec(c, "DELETE FROM archival_passages WHERE id = ?", gone));
        writer.turn(bo, "Summarize", "Sure.");
        writer.summarize(bo, 2);

        LettaWriter.Agent trip = conversations.create(bo, "trip", "human");
        conversations.turn(trip, "Plan a trip.", "Where to?");
        conversations.turn(trip, "Oslo.", "Booked.");
        conversations.compact(trip, 2);
        LettaWriter.Agent alternative = conversations.fork(trip, "trip, another way");
        conversations.turn(alternative, "Bergen instead?", "Also fine.");
        conversations.delete(trip);

        String folder = folders.folder("manuals");
        String file = folders.upload(folder, "manual.txt", LettaFolders.longText("The manual"));
        folders.upload(folder, "notes.txt", "short notes");
        folders.attach(bo, folder);
        folders.open(bo, file, 1, 20);
        folders.markAccess(bo);
        folders.detach(bo, folder);

        LettaWriter.Agent cy = writer.createAgent("cy", "persona", "I am Cy's helper.", "human", "Name: Cy");
        LettaWriter.Agent sleeper = admin.sleeptime(cy, "cy");
        String cyHuman = writer.query("SELECT block_id FROM blocks_agents WHERE agent_id = ? AND block_label = 'human'",
                cy.id).get(0);
        writer.turn(cy, "Hi", "Hello.");
        admin.sleeptimeTick(cy, sleeper, cyHuman, "Name: Cy\nSays hi.");
        String legacy = LettaWriter.id("message"); // a MemGPT-era row: role function, text instead of content parts
        writer.tx(c -> LettaWriter.exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, text, name, "
                + "tool_call_id, content) VALUES (?, ?, ?, 'function', 'None', 'send_message', 'call-legacy', NULL)",
                legacy, LettaWriter.ORG, cy.id));
        admin.secrets(bo);

        admin.deleteAgent(bo); // env vars, files_agents, conversations, tags, runs, then the agent and its cascades
        admin.deleteAgent(cy); // its sleeptime group first
        admin.deleteAgent(sleeper);
        mirror.await();

        assertThat(Rows.of(projections, "SELECT payload->>'role' FROM " + SCHEMA + ".events WHERE type = "
                + "'message.created' AND payload->>'message_id' = '" + legacy + "'")).containsExactly("function");
        assertThat(untypedChangesOfTypedTables()).as("every change of a typed table is typed").isEqualTo(untypedBefore);
        assertThat(Rows.of(projections, "SELECT agent_id FROM " + SCHEMA + ".agents WHERE deleted_at IS NOT NULL "
                + "AND agent_id IN ('" + bo.id + "', '" + cy.id + "', '" + sleeper.id + "') ORDER BY 1"))
                .hasSize(3);
        assertThat(sourceRowCounts(projections)).as("every other captured table, row for row")
                .isEqualTo(sourceCounts());
    }

    private static String untypedChangesOfTypedTables() throws Exception {
        return Rows.of(projections, "SELECT count(*) FROM " + SCHEMA + ".events WHERE type = 'row.changed' AND "
                + "payload->>'table' IN (" + String.join(", ", LettaMapping.TYPED_TABLES.stream().map(t -> "'" + t + "'")
                .toList()) + ")").get(0);
    }

    /** Rows of each captured table without typed events, in the source. */
    private static List<String> sourceCounts() throws Exception {
        List<String> counts = new ArrayList<>();
        for (String table : otherTables()) {
            counts.add(table + " " + Rows.of(letta, "SELECT count(*) FROM public.\"" + table + "\"").get(0));
        }
        return counts;
    }

    /** Rows of source_rows per table, in the same terms. */
    private static List<String> sourceRowCounts(javax.sql.DataSource db) throws Exception {
        List<String> counts = new ArrayList<>();
        for (String table : otherTables()) {
            counts.add(table + " " + Rows.of(db, "SELECT count(*) FROM " + SCHEMA + ".source_rows WHERE source_table = '"
                    + table + "'").get(0));
        }
        return counts;
    }

    private static List<String> otherTables() throws Exception {
        List<String> tables = new ArrayList<>(Rows.of(letta, "SELECT tablename FROM pg_publication_tables WHERE pubname = '"
                + SLOT + "' AND tablename <> '" + SourceSetup.HEARTBEAT_TABLE + "' ORDER BY 1"));
        tables.removeAll(LettaMapping.TYPED_TABLES);
        return tables;
    }

    private static double retainedGauge() {
        Gauge gauge = registry.find("agentlog.cdc.slot.retained.bytes").tag("slot", SLOT).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private static long retainedNow() throws Exception {
        try (Connection c = letta.getConnection()) {
            return SlotWal.measure(c, SLOT).orElseThrow().retainedBytes();
        }
    }

    private static void checkpoint() throws Exception {
        try (Connection c = letta.getConnection(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    record Run(int exitCode, String out, String err) {}

    static Run cli(String... args) {
        TestRuntime runtime = TestRuntime.get();
        CommandLine cli = Main.commandLine(Map.of("AGENTLOG_SOURCE_PG_URL", source.url, "AGENTLOG_SOURCE_PG_USER",
                runtime.postgres.user(), "AGENTLOG_SOURCE_PG_PASSWORD", runtime.postgres.password() == null ? ""
                        : runtime.postgres.password(), "AGENTLOG_SLOT_NAME", SLOT, "AGENTLOG_PUBLICATION_NAME", SLOT));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    /** Every byte of a topic's records, values and headers, as text. */
    static String text(String topic) throws Exception {
        StringBuilder out = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> record : probe.readAll(topic)) {
            if (record.value() != null) {
                out.append(new String(record.value(), StandardCharsets.UTF_8)).append('\n');
            }
            for (Header header : record.headers()) {
                out.append(new String(header.value(), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return out.toString();
    }
}
