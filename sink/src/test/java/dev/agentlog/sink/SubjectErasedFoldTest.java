package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.sink.fold.AgentBlockRow;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.Tables;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The fold of an erasure (docs/privacy.md): every row of the subjects goes, a shared block stays. */
class SubjectErasedFoldTest {
    private final EventCodec codec = EventCodec.standard();
    private final TestLog log = new TestLog();

    private LogFold fold() throws Exception {
        LogFold fold = new LogFold();
        for (SinkRecord record : log.records()) {
            fold.apply(codec.decode(record.value()));
        }
        return fold;
    }

    private void agentWithOwnAndSharedBlocks(String agent, String block, String archive) {
        log.add(agent, EventType.AGENT_CREATED, "{\"name\":\"" + agent + "\",\"system\":\"secret prompt\"}");
        log.add(agent, EventType.MESSAGE_CREATED, "{\"message_id\":\"m-" + agent + "\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"secret\"}]}");
        log.add(agent, EventType.CONTEXT_UPDATED, "{\"message_ids\":[\"m-" + agent + "\"]}");
        log.add(block, EventType.BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"secret v1\"}");
        log.add(block, EventType.BLOCK_UPDATED, "{\"value\":\"secret v2\"}");
        log.add(agent, EventType.BLOCK_ATTACHED, "{\"block_id\":\"" + block + "\",\"label\":\"human\"}");
        log.add(agent, EventType.BLOCK_ATTACHED, "{\"block_id\":\"block-shared\",\"label\":\"org\"}");
        log.add(archive, EventType.ARCHIVE_CREATED, "{\"name\":\"a\"}");
        log.add(archive, EventType.PASSAGE_INSERTED, "{\"passage_id\":\"p-" + agent + "\",\"text\":\"secret\"}");
        log.add(agent, EventType.ARCHIVE_ATTACHED, "{\"archive_id\":\"" + archive + "\"}");
        log.add(agent, EventType.TAG_ADDED, "{\"tag\":\"vip\"}");
    }

    @Test
    void shouldRemoveEveryRowOfTheErasedSubjectsAndKeepTheOthersAndTheSharedBlock() throws Exception {
        log.add("block-shared", EventType.BLOCK_CREATED, "{\"label\":\"org\",\"value\":\"shared\"}");
        agentWithOwnAndSharedBlocks("agent-1", "block-1", "archive-1");
        agentWithOwnAndSharedBlocks("agent-2", "block-2", "archive-2");
        ProjectionState before = fold().state();
        log.add("agent-1", EventType.SUBJECT_ERASED, "{\"requested_by\":\"ops\",\"agents\":[\"agent-1\"],"
                + "\"blocks\":[\"block-1\"],\"archives\":[\"archive-1\"]}");

        ProjectionState after = fold().state();

        assertThat(after.table(Tables.AGENTS)).containsOnlyKeys("agent-2");
        assertThat(after.table(Tables.MESSAGES)).containsOnlyKeys("m-agent-2");
        assertThat(after.table(Tables.AGENT_CONTEXT).values()).allMatch(r -> r.agentId().equals("agent-2"));
        assertThat(after.table(Tables.BLOCKS)).containsOnlyKeys("block-shared", "block-2");
        assertThat(after.table(Tables.BLOCK_VERSIONS).values()).noneMatch(r -> r.blockId().equals("block-1"));
        assertThat(after.table(Tables.AGENT_BLOCKS)).containsOnlyKeys(new AgentBlockRow.Key("agent-2", "block-2"),
                new AgentBlockRow.Key("agent-2", "block-shared"));
        assertThat(after.table(Tables.ARCHIVES)).containsOnlyKeys("archive-2");
        assertThat(after.table(Tables.PASSAGES)).containsOnlyKeys("p-agent-2");
        assertThat(after.table(Tables.AGENT_LINKS).values()).allMatch(r -> r.agentId().equals("agent-2"));
        assertThat(before.rowCount() - after.rowCount()).isEqualTo(12);
    }

    @Test
    void shouldShowNothingOfAnErasedEventAndRefuseASealedOneItCannotOpen() {
        SealedPayload erased = SealedPayload.erasedOf(EventType.MESSAGE_CREATED);
        Event event = new Event("e1", EventType.MESSAGE_CREATED, 2, "agent-1", 1L, null, null,
                OffsetDateTime.parse("2026-11-24T10:00:00Z"), null, null, null, erased);
        LogFold fold = new LogFold();
        fold.apply(event);
        assertThat(fold.state().rowCount()).isZero();

        SealedPayload unopened = new SealedPayload(EventType.MESSAGE_CREATED, 2, (com.fasterxml.jackson.databind.node.ObjectNode)
                EventCodec.JSON.valueToTree(java.util.Map.of("message_id", "m", "$sealed",
                        java.util.Map.of("v", 1, "subject", "agent-1", "ct", "AAAA"))), false);
        Event sealed = new Event("e2", EventType.MESSAGE_CREATED, 2, "agent-1", 2L, null, null,
                OffsetDateTime.parse("2026-11-24T10:00:00Z"), null, null, null, unopened);
        assertThatThrownBy(() -> new LogFold().apply(sealed)).hasMessageContaining("--kek-file");
    }
}
