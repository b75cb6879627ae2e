package dev.agentlog.letta.mapping;

import static dev.agentlog.letta.mapping.Changes.json;
import static dev.agentlog.letta.mapping.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.ArchiveAttached;
import dev.agentlog.events.ArchiveCreated;
import dev.agentlog.events.ArchiveDetached;
import dev.agentlog.events.BlockAttached;
import dev.agentlog.events.BlockDetached;
import dev.agentlog.events.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/** blocks_agents, archives and archives_agents: small tables whose key says everything a delete needs. */
class AttachmentMappingsTest {
    final MappingContext context = MappingContext.of("letta");

    @Test
    void shouldAttachABlockWithItsLabelOnTheAgentsStream() {
        Row key = row("agent_id", "agent-1", "block_id", "block-1", "block_label", "human");

        List<Event> events = new BlocksAgentsMapping().map(Changes.insert("blocks_agents", key, key), context);

        assertThat(events.get(0).streamId()).isEqualTo("agent-1");
        assertThat(events.get(0).payload()).isEqualTo(new BlockAttached("block-1", "human", java.util.Map.of()));
    }

    @Test
    void shouldDetachABlockOnAKeyOnlyDelete() {
        Row key = row("agent_id", "agent-1", "block_id", "block-1", "block_label", "human");

        List<Event> events = new BlocksAgentsMapping().map(Changes.keyOnlyDelete("blocks_agents", key), context);

        assertThat(events.get(0).streamId()).isEqualTo("agent-1");
        assertThat(events.get(0).payload()).isEqualTo(new BlockDetached("block-1", java.util.Map.of()));
    }

    @Test
    void shouldCreateAndDeleteAnArchiveOnItsOwnStream() {
        Row key = row("id", "archive-1");
        Row archive = row("id", "archive-1", "organization_id", "org-1", "name", "sam-archive", "description", null,
                "embedding_config", json("{\"embedding_model\":\"text-embedding-3-small\"}"), "metadata_", null);

        Event created = new ArchivesMapping().map(Changes.insert("archives", key, archive), context).get(0);
        Event deleted = new ArchivesMapping().map(Changes.keyOnlyDelete("archives", key), context).get(0);

        assertThat(created.streamId()).isEqualTo("archive-1");
        assertThat(((ArchiveCreated) created.payload()).name()).isEqualTo("sam-archive");
        assertThat(((ArchiveCreated) created.payload()).embeddingConfig().get("embedding_model").asText())
                .isEqualTo("text-embedding-3-small");
        assertThat(deleted.type().wireName()).isEqualTo("archive.deleted");
        assertThat(deleted.streamId()).isEqualTo("archive-1");
    }

    @Test
    void shouldAttachAndDetachAnArchiveOnTheAgentsStream() {
        Row key = row("agent_id", "agent-1", "archive_id", "archive-1");
        Row row = row("agent_id", "agent-1", "archive_id", "archive-1", "is_owner", true, "created_at", "2026-11-24T10:00:00Z");

        Event attached = new ArchivesAgentsMapping().map(Changes.insert("archives_agents", key, row), context).get(0);
        Event detached = new ArchivesAgentsMapping().map(Changes.keyOnlyDelete("archives_agents", key), context).get(0);

        assertThat(attached.streamId()).isEqualTo("agent-1");
        assertThat(((ArchiveAttached) attached.payload()).archiveId()).isEqualTo("archive-1");
        assertThat(((ArchiveAttached) attached.payload()).unknown()).containsOnlyKeys("is_owner", "created_at");
        assertThat(detached.payload()).isEqualTo(new ArchiveDetached("archive-1", java.util.Map.of()));
    }
}
