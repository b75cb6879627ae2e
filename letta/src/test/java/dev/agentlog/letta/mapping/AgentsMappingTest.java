package dev.agentlog.letta.mapping;

import static dev.agentlog.letta.mapping.Changes.json;
import static dev.agentlog.letta.mapping.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.AgentCreated;
import dev.agentlog.events.AgentUpdated;
import dev.agentlog.events.ContextUpdated;
import dev.agentlog.events.Event;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentsMappingTest {
    static final String A = "agent-3f1c9a0e-2b1d-4c55-9d1e-8f0a6b2c7d11";
    final MappingContext context = MappingContext.of("letta");
    final AgentsMapping mapping = new AgentsMapping();

    static Row agent(String name, String messageIds) {
        return agent(name, messageIds, "2026-11-24T10:00:00Z");
    }

    static Row agent(String name, String messageIds, String updatedAt) {
        return row("id", A, "organization_id", "org-1", "agent_type", "memgpt_v2_agent", "name", name,
                "description", null, "system", "You are Sam.", "message_ids", json(messageIds),
                "llm_config", json("{\"model\":\"gpt-4o\"}"), "embedding_config", json("{\"embedding_model\":\"e\"}"),
                "tool_rules", json("[]"), "metadata_", json("{\"k\":1}"), "timezone", "UTC",
                "updated_at", updatedAt, "_last_updated_by_id", "user-1");
    }

    static Row key() {
        return row("id", A);
    }

    @Test
    void shouldCreateTheAgentAndItsContextWindowWhenInserted() {
        List<Event> events = mapping.map(Changes.insert("agents", key(), agent("sam", "[\"m0\",\"m1\"]")), context);

        assertThat(Changes.types(events)).containsExactly("agent.created", "context.updated");
        Event created = events.get(0);
        assertThat(created.streamId()).isEqualTo(A);
        assertThat(created.source()).isEqualTo("cdc:letta");
        assertThat(created.actor()).isEqualTo("user-1");
        assertThat(created.organizationId()).isEqualTo("org-1");
        assertThat(created.streamSeq()).isNull();
        assertThat(created.occurredAt()).isEqualTo(OffsetDateTime.parse("2026-11-24T11:00:00.123456Z"));
        AgentCreated payload = (AgentCreated) created.payload();
        assertThat(payload.name()).isEqualTo("sam");
        assertThat(payload.llmConfig()).isEqualTo(json("{\"model\":\"gpt-4o\"}"));
        assertThat(payload.toolRules()).isEqualTo(json("[]"));
        assertThat(payload.metadata()).isEqualTo(json("{\"k\":1}"));
        assertThat(payload.unknown()).containsOnlyKeys("timezone", "organization_id", "updated_at",
                "_last_updated_by_id");
        assertThat(((ContextUpdated) events.get(1).payload()).messageIds()).containsExactly("m0", "m1");
    }

    @Test
    void shouldSendNoContextWhenTheWindowOfANewAgentIsEmpty() {
        List<Event> events = mapping.map(Changes.insert("agents", key(), agent("sam", "[]")), context);

        assertThat(Changes.types(events)).containsExactly("agent.created");
    }

    @Test
    void shouldSendOnlyTheNewWindowWhenOnlyMessageIdsChanged() {
        mapping.map(Changes.insert("agents", key(), agent("sam", "[\"m0\"]")), context);

        List<Event> events = mapping.map(Changes.update("agents", key(), null, agent("sam", "[\"m0\",\"m1\"]")), context);

        assertThat(Changes.types(events)).containsExactly("context.updated");
        assertThat(((ContextUpdated) events.get(0).payload()).messageIds()).containsExactly("m0", "m1");
    }

    @Test
    void shouldSendOnlyTheChangedColumnsComparedWithTheLastImageSeen() {
        mapping.map(Changes.insert("agents", key(), agent("sam", "[\"m0\"]")), context);

        List<Event> events = mapping.map(Changes.update("agents", key(), null, agent("samuel", "[\"m0\"]")), context);

        assertThat(Changes.types(events)).containsExactly("agent.updated");
        AgentUpdated updated = (AgentUpdated) events.get(0).payload();
        assertThat(updated.name()).isEqualTo("samuel");
        assertThat(updated.system()).isNull();
        assertThat(updated.cleared()).isEmpty();
        assertThat(updated.toJson().fieldNames()).toIterable().containsExactly("name");
    }

    @Test
    void shouldSendEveryColumnAndTheWindowWhenNoEarlierImageIsKnown() {
        List<Event> events = mapping.map(Changes.update("agents", key(), null, agent("sam", "[\"m0\"]")), context);

        assertThat(Changes.types(events)).containsExactly("agent.updated", "context.updated");
        AgentUpdated updated = (AgentUpdated) events.get(0).payload();
        assertThat(updated.name()).isEqualTo("sam");
        assertThat(updated.system()).isEqualTo("You are Sam.");
        assertThat(updated.cleared()).containsExactly("description");
    }

    @Test
    void shouldCompareWithTheBeforeImageWhenTheTableHasFullReplicaIdentity() {
        List<Event> events = mapping.map(Changes.update("agents", key(), agent("sam", "[\"m0\"]"),
                agent("sam", "[\"m0\"]")), context);

        assertThat(events).isEmpty();
    }

    @Test
    void shouldTreatAValueTheSourceDidNotSendAsUnchanged() {
        mapping.map(Changes.insert("agents", key(), agent("sam", "[\"m0\"]")), context);
        Row withoutSystem = row("id", A, "name", "sam", "system", Changes.UNAVAILABLE, "message_ids", json("[\"m0\",\"m1\"]"));

        List<Event> events = mapping.map(Changes.update("agents", key(), null, withoutSystem), context);

        assertThat(Changes.types(events)).containsExactly("context.updated");
    }

    @Test
    void shouldSendOnlyTheBookkeepingWhenOnlyBookkeepingChanged() {
        mapping.map(Changes.insert("agents", key(), agent("sam", "[\"m0\"]")), context);
        Row touched = agent("sam", "[\"m0\"]", "2026-11-25T00:00:00Z");

        List<Event> events = mapping.map(Changes.update("agents", key(), null, touched), context);

        // a restore gives the row back with its updated_at, so the change travels (docs/events.md, "Letta's columns")
        assertThat(Changes.types(events)).containsExactly("agent.updated");
        assertThat(((AgentUpdated) events.get(0).payload()).unknown()).containsOnlyKeys("updated_at");
    }

    @Test
    void shouldDeleteTheAgentByItsKeyAlone() {
        List<Event> events = mapping.map(Changes.keyOnlyDelete("agents", key()), context);

        assertThat(Changes.types(events)).containsExactly("agent.deleted");
        assertThat(events.get(0).streamId()).isEqualTo(A);
    }

    @Test
    void shouldGiveTheSameEventIdsWhenTheSameChangeIsReadAgain() {
        Change change = Changes.insert("agents", key(), agent("sam", "[\"m0\"]"));

        List<Event> first = mapping.map(change, MappingContext.of("letta"));
        List<Event> again = mapping.map(change, MappingContext.of("letta"));

        assertThat(again).extracting(Event::eventId).isEqualTo(first.stream().map(Event::eventId).toList());
        assertThat(first.get(0).eventId()).isNotEqualTo(first.get(1).eventId());
    }

    @Test
    void shouldDateASnapshotReadAtTheRowsOwnUpdateTime() {
        List<Event> events = mapping.map(Changes.snapshot("agents", key(), agent("sam", "[]")), context);

        assertThat(events.get(0).occurredAt()).isEqualTo(OffsetDateTime.parse("2026-11-24T10:00:00Z"));
    }
}
