package dev.agentlog.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.sink.TestPostgres;
import dev.agentlog.sink.TwoTenantLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An agent's timeline over a log the real sink wrote ({@link TwoTenantLog}): its streams, order, filters, pages, tenants. */
class AgentTimelineTest {
    private AgentTimeline timeline;

    @BeforeEach
    void sinkATwoTenantLog() {
        timeline = new AgentTimeline(TestPostgres.dataSource(), TwoTenantLog.sinkIntoFreshSchema());
    }

    private static List<String> types(AgentTimeline.Page page) {
        return page.events().stream().map(c -> c.event().streamId() + ":" + c.event().type()).toList();
    }

    @Test
    void shouldShowEveryEventOfTheAgentsStreamsAndOfItsBlocksAndArchivesInTimeOrder() throws Exception {
        AgentTimeline.Page page = timeline.of("agent-a", AgentTimeline.Filter.all(), null).orElseThrow();

        assertThat(page.streams()).containsExactly("agent-a", "block-a", "archive-a");
        assertThat(types(page)).containsExactly("agent-a:agent.created", "block-a:block.created",
                "archive-a:archive.created", "archive-a:passage.inserted", "agent-a:block.attached",
                "agent-a:archive.attached", "agent-a:message.created", "agent-a:context.updated");
        assertThat(page.total()).isEqualTo(8);
        assertThat(page.firstAt()).isEqualTo(page.events().get(0).event().occurredAt().toInstant());
        assertThat(page.nextAfter()).isNull();
    }

    @Test
    void shouldFilterByTypeAndTime() throws Exception {
        AgentTimeline.Page all = timeline.of("agent-a", AgentTimeline.Filter.all(), null).orElseThrow();
        var third = all.events().get(2).event().occurredAt().toInstant();

        AgentTimeline.Page messages = timeline.of("agent-a", new AgentTimeline.Filter(Set.of("message.created",
                "passage.inserted"), null, null, null, 10), null).orElseThrow();
        assertThat(types(messages)).containsExactly("archive-a:passage.inserted", "agent-a:message.created");
        assertThat(messages.total()).isEqualTo(2);

        AgentTimeline.Page later = timeline.of("agent-a", new AgentTimeline.Filter(Set.of(), third, null, null, 10), null)
                .orElseThrow();
        assertThat(later.events()).hasSize(6);
        AgentTimeline.Page window = timeline.of("agent-a", new AgentTimeline.Filter(Set.of(), third, third, null, 10), null)
                .orElseThrow();
        assertThat(types(window)).containsExactly("archive-a:archive.created");
    }

    @Test
    void shouldPageWithTheCursorOfThePreviousPageAndLoseNothing() throws Exception {
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            AgentTimeline.Page page = timeline.of("agent-a", new AgentTimeline.Filter(Set.of(), null, null, after, 3), null)
                    .orElseThrow();
            seen.addAll(types(page));
            after = page.nextAfter();
            pages++;
        } while (after != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(types(timeline.of("agent-a", AgentTimeline.Filter.all(), null).orElseThrow()));
    }

    @Test
    void shouldShowATenantNothingOfAnotherTenantsAgentAndNoOtherTenantsEventsInItsOwn() throws Exception {
        assertThat(timeline.of("agent-a", AgentTimeline.Filter.all(), "globex")).isEmpty();
        assertThat(timeline.of("agent-missing", AgentTimeline.Filter.all(), null)).isEmpty();
        AgentTimeline.Page globex = timeline.of("agent-g", AgentTimeline.Filter.all(), "globex").orElseThrow();
        assertThat(types(globex)).noneMatch(t -> t.startsWith("block-a") || t.startsWith("archive-a"));
        assertThat(globex.toJson().toString()).doesNotContain("Ada likes tea", "Ada's secret");
    }

    @Test
    void shouldRefuseAnUnknownTypeABadRangeAndAForeignCursor() {
        assertThatThrownBy(() -> new AgentTimeline.Filter(Set.of("message.sent"), null, null, null, 10))
                .hasMessageContaining("no event type 'message.sent'");
        assertThatThrownBy(() -> new AgentTimeline.Filter(Set.of(), java.time.Instant.MAX, java.time.Instant.EPOCH, null,
                10)).hasMessageContaining("from must not be after to");
        assertThatThrownBy(() -> new AgentTimeline.Filter(Set.of(), null, null, "not-a-cursor", 10))
                .hasMessageContaining("after must be the next_after");
        assertThatThrownBy(() -> new AgentTimeline.Filter(Set.of(), null, null, null, 0)).hasMessageContaining("limit");
    }
}
