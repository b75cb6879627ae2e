package dev.agentlog.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.sink.TestPostgres;
import dev.agentlog.sink.TwoTenantLog;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads scoped to a tenant find only that tenant's agents, blocks and archives, over a log of two tenants the real
 * sink wrote ({@link TwoTenantLog}, from the sink's tests).
 */
class ScopedQueriesTest {
    private static final Instant LATER = Instant.parse("2026-12-01T00:00:00Z");

    private String schema;

    @BeforeEach
    void sinkATwoTenantLog() {
        schema = TwoTenantLog.sinkIntoFreshSchema();
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
}
