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

import dev.agentlog.sink.replay.Verifier;
import dev.agentlog.sink.replay.VerifyReport;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
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
        TwoTenantLog.Sunk sunk = TwoTenantLog.sink();
        schema = sunk.schema();
        core = sunk.core();
        log = sunk.log();
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

    private void execute(String sql) throws Exception {
        try (Connection c = TestPostgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
