package dev.agentlog.sink;

import static dev.agentlog.events.EventType.AGENT_CREATED;
import static dev.agentlog.events.EventType.AGENT_DELETED;
import static dev.agentlog.events.EventType.ARCHIVE_ATTACHED;
import static dev.agentlog.events.EventType.ARCHIVE_CREATED;
import static dev.agentlog.events.EventType.ARCHIVE_DELETED;
import static dev.agentlog.events.EventType.BLOCK_ATTACHED;
import static dev.agentlog.events.EventType.BLOCK_CREATED;
import static dev.agentlog.events.EventType.BLOCK_DELETED;
import static dev.agentlog.events.EventType.BLOCK_UPDATED;
import static dev.agentlog.events.EventType.CONTEXT_UPDATED;
import static dev.agentlog.events.EventType.MESSAGE_CREATED;
import static dev.agentlog.events.EventType.PASSAGE_INSERTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.sink.query.AgentState;
import dev.agentlog.sink.query.AgentStates;
import dev.agentlog.sink.query.StreamHistory;
import dev.agentlog.sink.replay.Verifier;
import dev.agentlog.sink.replay.VerifyReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tenant in PostgreSQL: the sink writes each stream's tenant into {@code events} and into the stream's
 * {@code agents}, {@code blocks} and {@code archives} row; {@code verify} compares it; the queries scoped to a
 * tenant find only that tenant's agents, blocks and archives.
 */
class SinkTenantTest {
    /** acme owns agent-a, block-a, archive-a; globex owns agent-g and block-g; block-n and agent-n have none. */
    private static final Map<String, String> TENANTS = Map.of("agent-a", "acme", "block-a", "acme", "archive-a", "acme",
            "agent-g", "globex", "block-g", "globex");
    private static final Instant LATER = Instant.parse("2026-12-01T00:00:00Z");

    private String schema;
    private TestLog log;
    private SinkCore core;

    @BeforeEach
    void sinkATwoTenantLog() {
        schema = TestPostgres.freshSchema("tenants");
        core = new SinkCore(TestPostgres.dataSource(), SinkSettings.defaults().withSchema(schema),
                new RecordedDeadLetters(), new SimpleMeterRegistry());
        log = new TestLog().withTenants(TENANTS::get);
        core.assign(log.partitions());
        log.add("agent-a", AGENT_CREATED, "{\"name\":\"ada's agent\"}");
        log.add("block-a", BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"Ada likes tea\"}");
        log.add("archive-a", ARCHIVE_CREATED, "{\"name\":\"ada's archive\"}");
        log.add("archive-a", PASSAGE_INSERTED, "{\"passage_id\":\"passage-a\",\"text\":\"Ada's secret\"}");
        log.add("agent-a", BLOCK_ATTACHED, "{\"block_id\":\"block-a\",\"label\":\"human\"}");
        log.add("agent-a", ARCHIVE_ATTACHED, "{\"archive_id\":\"archive-a\"}");
        log.add("agent-a", MESSAGE_CREATED, message("message-a", "Ada's first words"));
        log.add("agent-a", CONTEXT_UPDATED, "{\"message_ids\":[\"message-a\"]}");
        log.add("agent-g", AGENT_CREATED, "{\"name\":\"globex agent\"}");
        log.add("block-g", BLOCK_CREATED, "{\"label\":\"persona\",\"value\":\"globex persona\"}");
        log.add("agent-g", BLOCK_ATTACHED, "{\"block_id\":\"block-g\",\"label\":\"persona\"}");
        // globex names acme's block, archive and message from its own stream: the reads must not show them
        log.add("agent-g", BLOCK_ATTACHED, "{\"block_id\":\"block-a\",\"label\":\"human\"}");
        log.add("agent-g", ARCHIVE_ATTACHED, "{\"archive_id\":\"archive-a\"}");
        log.add("agent-g", MESSAGE_CREATED, message("message-g", "globex words"));
        log.add("agent-g", CONTEXT_UPDATED, "{\"message_ids\":[\"message-g\",\"message-a\"]}");
        log.add("agent-n", AGENT_CREATED, "{\"name\":\"from before tenants\"}");
        log.add("block-n", BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"nobody's\"}");
        core.process(log.drain());
    }

    private static String message(String id, String text) {
        return "{\"message_id\":\"" + id + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}";
    }

    @Test
    void shouldWriteTheStreamsTenantIntoItsEventsAndRows() {
        assertThat(Query.rows("SELECT stream_id, count(*), min(tenant), max(tenant) FROM " + schema
                + ".events GROUP BY stream_id ORDER BY stream_id")).containsExactly(
                "agent-a|5|acme|acme", "agent-g|6|globex|globex", "agent-n|1|null|null", "archive-a|2|acme|acme",
                "block-a|1|acme|acme", "block-g|1|globex|globex", "block-n|1|null|null");
        assertThat(Query.rows("SELECT agent_id, tenant FROM " + schema + ".agents ORDER BY 1"))
                .containsExactly("agent-a|acme", "agent-g|globex", "agent-n|null");
        assertThat(Query.rows("SELECT block_id, tenant FROM " + schema + ".blocks ORDER BY 1"))
                .containsExactly("block-a|acme", "block-g|globex", "block-n|null");
        assertThat(Query.rows("SELECT archive_id, tenant FROM " + schema + ".archives")).containsExactly("archive-a|acme");
    }

    @Test
    void shouldKeepTheTenantOnRowsThatUpdatesAndDeletesWrite() {
        log.add("block-a", BLOCK_UPDATED, "{\"value\":\"Ada likes green tea\"}");
        log.add("block-g", BLOCK_DELETED, "{}");
        log.add("archive-a", ARCHIVE_DELETED, "{}");
        log.add("agent-g", AGENT_DELETED, "{}");
        log.add("agent-x", AGENT_DELETED, "{}"); // a delete before any create makes a row of its own
        core.process(log.drain());

        assertThat(Query.rows("SELECT agent_id, tenant, deleted_at IS NOT NULL FROM " + schema + ".agents ORDER BY 1"))
                .containsExactly("agent-a|acme|f", "agent-g|globex|t", "agent-n|null|f", "agent-x|null|t");
        assertThat(Query.rows("SELECT block_id, tenant, version FROM " + schema + ".blocks ORDER BY 1"))
                .containsExactly("block-a|acme|2", "block-g|globex|1", "block-n|null|1");
        assertThat(Query.rows("SELECT archive_id, tenant, deleted_at IS NOT NULL FROM " + schema + ".archives"))
                .containsExactly("archive-a|acme|t");
    }

    @Test
    void shouldVerifyEqualAndNameATenantChangedByHand() throws Exception {
        Verifier clean = new Verifier(TestPostgres.dataSource(), schema, SinkSettings.DEFAULT_GROUP_ID, 10);
        assertThat(clean.againstTable(TestLog.TOPIC).equal()).isTrue();

        execute("UPDATE " + schema + ".agents SET tenant = 'globex' WHERE agent_id = 'agent-a'");
        execute("UPDATE " + schema + ".archives SET tenant = NULL");
        VerifyReport report = new Verifier(TestPostgres.dataSource(), schema, SinkSettings.DEFAULT_GROUP_ID, 10)
                .againstTable(TestLog.TOPIC);

        assertThat(report.equal()).isFalse();
        assertThat(report.differences()).extracting(VerifyReport.Difference::toString).containsExactlyInAnyOrder(
                "agents agent-a column tenant: log \"acme\" vs table \"globex\"",
                "archives archive-a column tenant: log \"acme\" vs table \\N");
    }

    @Test
    void shouldFindATenantsOwnAgentAndNotAnotherTenantsNorOneOfNoTenant() throws Exception {
        AgentStates states = new AgentStates(TestPostgres.dataSource(), schema);

        assertThat(states.current("agent-a", 10, "acme")).isPresent();
        assertThat(states.current("agent-a", 10, "globex")).isEmpty();
        assertThat(states.current("agent-n", 10, "acme")).as("an agent of no tenant").isEmpty();
        assertThat(states.current("agent-a", 10, null)).as("a reader of every tenant").isPresent();
        assertThat(states.current("agent-n", 10)).isPresent();
        assertThat(states.at("agent-a", LATER, 10, "acme")).isPresent();
        assertThat(states.at("agent-a", LATER, 10, "globex")).isEmpty();
        assertThat(states.at("agent-n", LATER, 10, "globex")).isEmpty();
        assertThat(states.current("agent-missing", 10, "acme")).isEmpty();
    }

    @Test
    void shouldShowAnotherTenantsBlocksArchivesAndMessagesAsUnknownInsideATenantsAgent() throws Exception {
        AgentStates states = new AgentStates(TestPostgres.dataSource(), schema);

        for (Optional<AgentState> scoped : new Optional[] {states.current("agent-g", 10, "globex"),
                states.at("agent-g", LATER, 10, "globex")}) {
            AgentState globex = scoped.orElseThrow();
            String json = globex.toJson().toString();
            assertThat(json).doesNotContain("Ada likes tea", "Ada's secret", "Ada's first words", "ada's archive")
                    .contains("globex persona", "globex words");
            assertThat(globex.blocks()).extracting(b -> b.blockId() + ":" + (b.version() == null ? "unknown" : "v"
                    + b.version().version())).containsExactly("block-a:unknown", "block-g:v1");
            assertThat(globex.archives()).singleElement().satisfies(a -> {
                assertThat(a.archive()).isNull();
                assertThat(a.passageCount()).isZero();
                assertThat(a.latestPassages()).isEmpty();
            });
            assertThat(globex.context()).extracting(e -> e.messageId() + ":" + (e.message() != null))
                    .containsExactly("message-g:true", "message-a:false");
        }
        String unscoped = states.current("agent-g", 10, null).orElseThrow().toJson().toString();
        assertThat(unscoped).as("a reader of every tenant sees what globex's agent names")
                .contains("Ada likes tea", "Ada's secret", "Ada's first words");
    }

    @Test
    void shouldGiveAStreamsHistoryOnlyToItsTenant() throws Exception {
        StreamHistory histories = new StreamHistory(TestPostgres.dataSource(), schema);

        assertThat(histories.of("block-a", 0, 100, "acme")).isPresent();
        assertThat(histories.of("block-a", 0, 100, "globex")).isEmpty();
        assertThat(histories.of("agent-a", 0, 100, "globex")).isEmpty();
        assertThat(histories.of("block-n", 0, 100, "acme")).isEmpty();
        assertThat(histories.of("block-n", 0, 100, null)).isPresent();
        assertThat(histories.of("agent-a", 0, 100)).isPresent();
    }

    private void execute(String sql) throws Exception {
        try (Connection c = TestPostgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
