package dev.agentlog.letta.mapping;

import static dev.agentlog.letta.mapping.Changes.json;
import static dev.agentlog.letta.mapping.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Event;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.RowChanged;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LettaMappingTest {
    final List<String> failures = new ArrayList<>();
    final LettaMapping mapping = new LettaMapping(new MappingContext(new ChangeEvents("letta"), new MappingState(),
            PassageLookup.NONE, new MappingIssues() {
                @Override
                public void unresolved(Change change, String what) {}

                @Override
                public void failed(Change change, RuntimeException error) {
                    failures.add(change.table() + ": " + error.getMessage());
                }
            }));

    @Test
    void shouldSendARowOfATableWithoutTypedEventsAsRowChanged() {
        Row key = row("identity_id", "identity-1", "block_id", "block-1");

        List<Event> events = mapping.map(Changes.insert("identities_blocks", key, key));

        assertThat(events.get(0).streamId()).isEqualTo("identities_blocks:identity-1:block-1");
        RowChanged payload = (RowChanged) events.get(0).payload();
        assertThat(payload.table()).isEqualTo("identities_blocks");
        assertThat(payload.op()).isEqualTo("c");
        assertThat(payload.after()).isEqualTo(json("{\"identity_id\":\"identity-1\",\"block_id\":\"block-1\"}"));
        assertThat(payload.before()).isNull();
    }

    @Test
    void shouldSendASnapshotReadOfAnUntypedTableAsACreate() {
        Row key = row("id", "tool-1");

        RowChanged payload = (RowChanged) mapping.map(Changes.snapshot("tools", key, row("id", "tool-1", "name", "x")))
                .get(0).payload();

        assertThat(payload.op()).isEqualTo("c");
    }

    @Test
    void shouldTypeTheLegacyFunctionRoleOfMemGptEraRows() {
        Row key = row("id", "message-1");
        Row legacy = row("id", "message-1", "agent_id", "agent-1", "role", "function", "text", "None",
                "tool_call_id", "call-1", "sequence_id", 3L);

        List<Event> events = mapping.map(Changes.insert("messages", key, legacy));

        assertThat(Changes.types(events)).containsExactly("message.created");
        MessageCreated created = (MessageCreated) events.get(0).payload();
        assertThat(created.role()).isEqualTo("function");
        assertThat(created.content().toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"None\"}]");
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldSendAChangeAsRowChangedWhenItsTypedEventWouldBeRefused() {
        Row key = row("id", "message-1");
        Row oldRole = row("id", "message-1", "agent_id", "agent-1", "role", "robot", "sequence_id", 3L);

        List<Event> events = mapping.map(Changes.insert("messages", key, oldRole));

        assertThat(Changes.types(events)).containsExactly("row.changed");
        assertThat(events.get(0).streamId()).isEqualTo("messages:message-1");
        assertThat(failures).singleElement().asString().startsWith("messages: ").contains("role");
    }
}
