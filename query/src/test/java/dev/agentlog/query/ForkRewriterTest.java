package dev.agentlog.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForkRewriterTest {
    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) EventCodec.JSON.readTree(text);
    }

    static final String CONTEXT = "{\"event_id\":\"e-1\",\"type\":\"context.updated\",\"schema_version\":1,"
            + "\"stream_id\":\"agent-a\",\"stream_seq\":7,\"occurred_at\":\"2026-11-24T10:00:00Z\",\"source\":\"http:x\","
            + "\"actor\":\"agent-a\",\"payload\":{\"message_ids\":[\"message-1\",\"message-2\"]}}";
    static final String EDIT = "{\"event_id\":\"e-2\",\"type\":\"block.updated\",\"schema_version\":1,"
            + "\"stream_id\":\"block-h\",\"stream_seq\":2,\"agent_id\":\"agent-b\",\"occurred_at\":\"2026-11-24T10:00:00Z\","
            + "\"payload\":{\"value\":\"v\",\"version\":2}}";

    @Test
    void shouldRenameEverythingTheAgentOwnsAndDropThePosition() throws Exception {
        ForkRewriter fork = ForkRewriter.asNewAgent("agent-a", "agent-fork");

        ObjectNode context = fork.rewrite(json(CONTEXT));
        ObjectNode edit = fork.rewrite(json(EDIT));

        assertThat(context.has("stream_seq")).isFalse();
        assertThat(context.get("stream_id").asText()).isEqualTo("agent-fork");
        assertThat(context.get("actor").asText()).isEqualTo("agent-fork");
        assertThat(context.get("source").asText()).isEqualTo("import");
        assertThat(context.get("event_id").asText()).isEqualTo(fork.eventId("e-1")).isNotEqualTo("e-1");
        assertThat(context.get("payload").get("message_ids").get(1).asText()).isEqualTo(fork.messageId("message-2"))
                .startsWith("message-");
        assertThat(edit.get("stream_id").asText()).isEqualTo(fork.blockId("block-h")).startsWith("block-");
        assertThat(edit.get("agent_id").asText()).isEqualTo("agent-b");
    }

    @Test
    void shouldRenameTheRowsOfTheAgentsConversationsAndOpenFiles() throws Exception {
        ForkRewriter fork = ForkRewriter.asNewAgent("agent-a", "agent-fork");
        String added = "{\"event_id\":\"e-3\",\"type\":\"conversation.message.added\",\"schema_version\":1,"
                + "\"stream_id\":\"agent-a\",\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":{"
                + "\"conversation_message_id\":\"conv_msg-1\",\"conversation_id\":\"conv-1\",\"message_id\":\"message-1\"}}";
        String file = "{\"event_id\":\"e-4\",\"type\":\"file.attached\",\"schema_version\":1,"
                + "\"stream_id\":\"agent-a\",\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":{"
                + "\"file_agent_id\":\"file_agent-1\",\"file_id\":\"file-1\"}}";

        ObjectNode row = (ObjectNode) fork.rewrite(json(added)).get("payload");
        ObjectNode open = (ObjectNode) fork.rewrite(json(file)).get("payload");

        assertThat(row.get("conversation_message_id").asText()).startsWith("conv_msg-").isNotEqualTo("conv_msg-1");
        assertThat(row.get("conversation_id").asText()).startsWith("conv-").isNotEqualTo("conv-1");
        assertThat(row.get("message_id").asText()).isEqualTo(fork.messageId("message-1"));
        assertThat(open.get("file_agent_id").asText()).startsWith("file_agent-").isNotEqualTo("file_agent-1");
        assertThat(open.get("file_id").asText()).as("the file itself is shared, not the agent's").isEqualTo("file-1");
    }

    @Test
    void shouldDeriveTheSameIdsEveryTimeForTheSameNewAgent() throws Exception {
        assertThat(ForkRewriter.asNewAgent("agent-a", "agent-fork").rewrite(json(CONTEXT)))
                .isEqualTo(ForkRewriter.asNewAgent("agent-a", "agent-fork").rewrite(json(CONTEXT)))
                .isNotEqualTo(ForkRewriter.asNewAgent("agent-a", "agent-other").rewrite(json(CONTEXT)));
    }

    @Test
    void shouldKeepIdsWhenNotForking() throws Exception {
        ObjectNode moved = ForkRewriter.keepingIds().rewrite(json(CONTEXT));

        assertThat(moved.get("event_id").asText()).isEqualTo("e-1");
        assertThat(moved.get("stream_id").asText()).isEqualTo("agent-a");
        assertThat(moved.has("stream_seq")).isFalse();
    }

    @Test
    void shouldFindTheExportedAgentAndRefuseTwo() throws Exception {
        assertThat(ForkRewriter.agentOf(List.of(json(EDIT), json(CONTEXT)))).isEqualTo("agent-a");
        assertThatThrownBy(() -> ForkRewriter.agentOf(List.of(json(CONTEXT), json(CONTEXT.replace("agent-a\",\"stream_seq",
                "agent-z\",\"stream_seq"))))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two agents");
        assertThatThrownBy(() -> ForkRewriter.asNewAgent("agent-a", "agent-a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--as");
    }
}
