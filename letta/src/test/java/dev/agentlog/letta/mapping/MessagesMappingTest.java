package dev.agentlog.letta.mapping;

import static dev.agentlog.letta.mapping.Changes.json;
import static dev.agentlog.letta.mapping.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Event;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.MessageDeleted;
import dev.agentlog.events.MessageUpdated;
import dev.agentlog.events.RowChanged;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesMappingTest {
    static final String A = "agent-1";
    static final String M = "message-9a7b6c5d-0000-4000-8000-000000000002";
    final List<String> unresolved = new ArrayList<>();
    final MappingContext context = new MappingContext(new ChangeEvents("letta"), new MappingState(), PassageLookup.NONE,
            new MappingIssues() {
                @Override
                public void unresolved(Change change, String what) {
                    unresolved.add(what);
                }

                @Override
                public void failed(Change change, RuntimeException error) {
                    throw error;
                }
            });
    final MessagesMapping mapping = new MessagesMapping();

    static Row key() {
        return row("id", M);
    }

    static Row assistant() {
        return row("id", M, "organization_id", "org-1", "agent_id", A, "role", "assistant", "text", null,
                "content", json("[{\"type\":\"text\",\"text\":\"Noted.\"}]"), "model", "gpt-4o", "name", null,
                "tool_calls", json("[{\"id\":\"call-1\",\"type\":\"function\",\"function\":{\"name\":\"core_memory_append\",\"arguments\":\"{}\"}}]"),
                "tool_call_id", null, "tool_returns", json("[]"), "step_id", "step-1", "run_id", "run-1", "otid", "otid-1",
                "group_id", null, "sequence_id", 42L, "created_at", "2026-11-24T10:59:59.5Z", "is_deleted", false);
    }

    @Test
    void shouldCreateTheMessageOnItsAgentsStreamWithLettasColumns() {
        List<Event> events = mapping.map(Changes.insert("messages", key(), assistant()), context);

        assertThat(Changes.types(events)).containsExactly("message.created");
        Event event = events.get(0);
        assertThat(event.streamId()).isEqualTo(A);
        assertThat(event.schemaVersion()).isEqualTo(2);
        MessageCreated m = (MessageCreated) event.payload();
        assertThat(m.messageId()).isEqualTo(M);
        assertThat(m.role()).isEqualTo("assistant");
        assertThat(m.content()).isEqualTo(json("[{\"type\":\"text\",\"text\":\"Noted.\"}]"));
        assertThat(m.toolCalls().get(0).path("function").path("name").asText()).isEqualTo("core_memory_append");
        assertThat(m.toolReturns()).isEqualTo(json("[]"));
        assertThat(m.stepId()).isEqualTo("step-1");
        assertThat(m.runId()).isEqualTo("run-1");
        assertThat(m.otid()).isEqualTo("otid-1");
        assertThat(m.sourceSequence()).isEqualTo(42L);
        assertThat(m.createdAt()).isEqualTo(OffsetDateTime.parse("2026-11-24T10:59:59.5Z"));
        assertThat(m.unknown()).containsOnlyKeys("model", "is_deleted", "organization_id");
    }

    @Test
    void shouldTurnTheLegacyTextColumnIntoOneTextPart() {
        Row legacy = row("id", M, "agent_id", A, "role", "user", "text", "hello", "content", null, "sequence_id", 7L);

        MessageCreated m = (MessageCreated) mapping.map(Changes.insert("messages", key(), legacy), context).get(0).payload();

        assertThat(m.content()).isEqualTo(json("[{\"type\":\"text\",\"text\":\"hello\"}]"));
        // the columns as they are, for a restore: the text, and content SQL NULL
        assertThat(m.unknown()).containsEntry("text", json("\"hello\"")).containsKey("letta_content");
        assertThat(m.unknown().get("letta_content").isNull()).isTrue();
    }

    @Test
    void shouldSendTheRewrittenSystemMessageAsAnUpdate() {
        Row system = row("id", M, "agent_id", A, "role", "system", "content",
                json("[{\"type\":\"text\",\"text\":\"<memory>Prefers tea.</memory>\"}]"), "tool_calls", null,
                "sequence_id", 1L, "updated_at", "2026-11-24T11:00:00Z");

        List<Event> events = mapping.map(Changes.update("messages", key(), null, system), context);

        assertThat(Changes.types(events)).containsExactly("message.updated");
        MessageUpdated u = (MessageUpdated) events.get(0).payload();
        assertThat(u.messageId()).isEqualTo(M);
        assertThat(u.content().get(0).get("text").asText()).contains("Prefers tea.");
        assertThat(u.cleared()).contains("tool_calls");
        assertThat(events.get(0).streamId()).isEqualTo(A);
    }

    @Test
    void shouldLeaveOutOfAnUpdateWhatTheSourceDidNotSend() {
        Row rewritten = row("id", M, "agent_id", A, "role", "system", "content",
                json("[{\"type\":\"text\",\"text\":\"new\"}]"), "tool_returns", Changes.UNAVAILABLE);

        MessageUpdated u = (MessageUpdated) mapping.map(Changes.update("messages", key(), null, rewritten), context)
                .get(0).payload();

        assertThat(u.toJson().has("tool_returns")).isFalse();
    }

    @Test
    void shouldFindTheAgentOfAKeyOnlyDeleteAmongTheMessagesSeen() {
        mapping.map(Changes.insert("messages", key(), assistant()), context);

        List<Event> events = mapping.map(Changes.keyOnlyDelete("messages", key()), context);

        assertThat(Changes.types(events)).containsExactly("message.deleted");
        assertThat(events.get(0).streamId()).isEqualTo(A);
        assertThat(((MessageDeleted) events.get(0).payload()).messageId()).isEqualTo(M);
    }

    @Test
    void shouldTakeTheAgentFromTheWholeBeforeImageUnderFullReplicaIdentity() {
        List<Event> events = mapping.map(Changes.fullDelete("messages", key(), assistant()), context);

        assertThat(events.get(0).streamId()).isEqualTo(A);
        assertThat(unresolved).isEmpty();
    }

    @Test
    void shouldSendAnUnattributableKeyOnlyDeleteAsRowChangedAndReportIt() {
        List<Event> events = mapping.map(Changes.keyOnlyDelete("messages", key()), context);

        assertThat(Changes.types(events)).containsExactly("row.changed");
        assertThat(events.get(0).streamId()).isEqualTo("messages:" + M);
        RowChanged row = (RowChanged) events.get(0).payload();
        assertThat(row.op()).isEqualTo("d");
        assertThat(row.before()).isEqualTo(json("{\"id\":\"" + M + "\"}"));
        assertThat(unresolved).containsExactly("the agent of message " + M);
    }
}
