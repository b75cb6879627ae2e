package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.sink.fold.AgentBlockRow;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.Tables;
import org.junit.jupiter.api.Test;

/** The pure fold, in memory: what verify will run over a whole log. */
class LogFoldTest {
    private final EventCodec codec = EventCodec.standard();
    private final TestLog log = new TestLog();

    private LogFold fold() throws Exception {
        LogFold fold = new LogFold();
        for (SinkRecord record : log.records()) {
            fold.apply(codec.decode(record.value()));
        }
        return fold;
    }

    @Test
    void shouldApplyAnEventIdOnlyOnceLikeTheSink() throws Exception {
        log.add("block-1", EventType.BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"v1\"}");
        log.add("block-1", EventType.BLOCK_UPDATED, "{\"value\":\"v2\"}");
        log.redeliver(log.last());

        LogFold fold = fold();

        assertThat(fold.eventsApplied()).isEqualTo(2);
        assertThat(fold.state().table(Tables.BLOCKS).get("block-1").version()).isEqualTo(2);
        assertThat(fold.state().table(Tables.BLOCK_VERSIONS)).hasSize(2);
    }

    @Test
    void shouldDetachEveryAgentFromADeletedBlockButKeepOtherBlocks() throws Exception {
        log.add("agent-1", EventType.BLOCK_ATTACHED, "{\"block_id\":\"block-1\",\"label\":\"human\"}");
        log.add("agent-2", EventType.BLOCK_ATTACHED, "{\"block_id\":\"block-1\",\"label\":\"human\"}");
        log.add("agent-2", EventType.BLOCK_ATTACHED, "{\"block_id\":\"block-2\",\"label\":\"persona\"}");
        log.add("block-1", EventType.BLOCK_DELETED, "{}");

        ProjectionState state = fold().state();

        assertThat(state.table(Tables.AGENT_BLOCKS)).containsOnlyKeys(new AgentBlockRow.Key("agent-2", "block-2"));
        assertThat(state.table(Tables.BLOCKS).get("block-1").deletedAt()).isNotNull();
    }

    @Test
    void shouldReportWhatDiffersBetweenTwoStatesComparingJsonNumbersByValue() throws Exception {
        log.add("agent-1", EventType.AGENT_CREATED, "{\"name\":\"a\",\"metadata\":{\"n\":1e2}}");
        ProjectionState expected = fold().state();
        log.add("agent-1", EventType.AGENT_UPDATED, "{\"name\":\"b\",\"metadata\":{\"n\":100}}");
        ProjectionState actual = fold().state();

        assertThat(expected.differencesFrom(actual, 10)).containsExactly(
                "agents agent-1: name expected a but was b",
                "agents agent-1: updated_at expected 2026-11-24T10:00:01Z but was 2026-11-24T10:00:02Z");
    }
}
