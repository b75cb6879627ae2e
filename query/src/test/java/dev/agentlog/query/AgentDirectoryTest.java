package dev.agentlog.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.sink.TestPostgres;
import dev.agentlog.sink.TwoTenantLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agents list of the web UI over a log the real sink wrote ({@link TwoTenantLog}): search, pages, counts, tenants. */
class AgentDirectoryTest {
    private AgentDirectory directory;

    @BeforeEach
    void sinkATwoTenantLog() {
        directory = new AgentDirectory(TestPostgres.dataSource(), TwoTenantLog.sinkIntoFreshSchema());
    }

    @Test
    void shouldListEveryAgentByNameWithItsCountsAndLastActivity() throws Exception {
        AgentDirectory.Page page = directory.list(null, 1, 50, null);

        assertThat(page.total()).isEqualTo(3);
        assertThat(page.agents()).extracting(AgentDirectory.Entry::agentId).containsExactly("agent-a", "agent-n", "agent-g");
        AgentDirectory.Entry ada = page.agents().get(0);
        assertThat(ada.name()).isEqualTo("ada's agent");
        assertThat(ada.events()).as("agent.created, two attachments, a message, the window").isEqualTo(5);
        assertThat(ada.messages()).isEqualTo(1);
        assertThat(ada.blocks()).isEqualTo(1);
        assertThat(ada.inContext()).isEqualTo(1);
        assertThat(ada.lastActivity()).isNotNull();
    }

    @Test
    void shouldSearchNameAndIdCaseInsensitivelyTakingWildcardsLiterally() throws Exception {
        assertThat(directory.list("GLOBEX", 1, 50, null).agents()).extracting(AgentDirectory.Entry::agentId)
                .containsExactly("agent-g");
        assertThat(directory.list("agent-n", 1, 50, null).agents()).extracting(AgentDirectory.Entry::agentId)
                .containsExactly("agent-n");
        assertThat(directory.list("%", 1, 50, null).total()).as("a % is a character, not a wildcard").isZero();
        assertThat(directory.list("agent_", 1, 50, null).total()).isZero();
    }

    @Test
    void shouldPageAndCountEveryMatchOnEveryPage() throws Exception {
        AgentDirectory.Page second = directory.list("agent", 2, 2, null);

        assertThat(second.total()).isEqualTo(3);
        assertThat(second.agents()).extracting(AgentDirectory.Entry::agentId).containsExactly("agent-g");
        assertThat(second.toJson().get("pages").asInt()).isEqualTo(2);
        assertThat(directory.list("agent", 3, 2, null).agents()).isEmpty();
    }

    @Test
    void shouldListOnlyATenantsOwnAgents() throws Exception {
        assertThat(directory.list(null, 1, 50, "acme").agents()).extracting(AgentDirectory.Entry::agentId)
                .containsExactly("agent-a");
        assertThat(directory.list("ada", 1, 50, "globex").total()).isZero();
    }

    @Test
    void shouldRefuseABadPageOrSizeOrQuery() {
        assertThatThrownBy(() -> directory.list(null, 0, 50, null)).hasMessageContaining("page must be at least 1");
        assertThatThrownBy(() -> directory.list(null, 1, 501, null)).hasMessageContaining("page_size");
        assertThatThrownBy(() -> directory.list("x".repeat(300), 1, 5, null)).hasMessageContaining("query");
    }
}
