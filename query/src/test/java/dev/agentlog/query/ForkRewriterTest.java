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
