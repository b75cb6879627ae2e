package dev.agentlog.letta.mapping;

import static dev.agentlog.letta.mapping.Changes.json;
import static dev.agentlog.letta.mapping.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.BlockCreated;
import dev.agentlog.events.BlockUpdated;
import dev.agentlog.events.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockMappingTest {
    static final String B = "block-11111111-1111-4111-8111-111111111111";
    final MappingContext context = MappingContext.of("letta");
    final BlockMapping mapping = new BlockMapping();

    static Row block(String value, int version) {
        return row("id", B, "organization_id", "org-1", "label", "human", "value", value, "limit", 5000,
                "description", null, "read_only", false, "metadata_", json("{}"), "version", version,
                "template_name", null, "is_template", false, "_last_updated_by_id", "agent-1");
    }

    static Row key() {
        return row("id", B);
    }

    @Test
    void shouldCreateTheBlockOnItsOwnStream() {
        List<Event> events = mapping.map(Changes.insert("block", key(), block("Name: Ada", 1)), context);

        assertThat(Changes.types(events)).containsExactly("block.created");
        assertThat(events.get(0).streamId()).isEqualTo(B);
        assertThat(events.get(0).agentId()).isNull();
        BlockCreated b = (BlockCreated) events.get(0).payload();
        assertThat(b.label()).isEqualTo("human");
        assertThat(b.value()).isEqualTo("Name: Ada");
        assertThat(b.limit()).isEqualTo(5000);
        assertThat(b.readOnly()).isFalse();
        assertThat(b.unknown()).containsOnlyKeys("is_template", "organization_id", "_last_updated_by_id");
    }

    @Test
    void shouldCarryLettasVersionInEveryEdit() {
        List<Event> events = mapping.map(Changes.update("block", key(), null, block("Name: Ada\nPrefers tea.", 2)), context);

        assertThat(Changes.types(events)).containsExactly("block.updated");
        BlockUpdated u = (BlockUpdated) events.get(0).payload();
        assertThat(u.version()).isEqualTo(2);
        assertThat(u.value()).isEqualTo("Name: Ada\nPrefers tea.");
        assertThat(events.get(0).actor()).isEqualTo("agent-1");
    }

    @Test
    void shouldSendOnlyTheChangedColumnsAndTheVersionWhenTheBeforeImageIsWhole() {
        BlockUpdated u = (BlockUpdated) mapping.map(Changes.update("block", key(), block("a", 3), block("b", 4)), context)
                .get(0).payload();

        assertThat(u.toJson().fieldNames()).toIterable().containsExactly("value", "version");
    }

    @Test
    void shouldNotRecordTheCurrentValueAsVersionOneWhenASnapshotFindsALaterVersion() {
        List<Event> events = mapping.map(Changes.snapshot("block", key(), block("edited five times", 6)), context);

        assertThat(Changes.types(events)).containsExactly("block.updated");
        BlockUpdated u = (BlockUpdated) events.get(0).payload();
        assertThat(u.version()).isEqualTo(6);
        assertThat(u.value()).isEqualTo("edited five times");
        assertThat(u.label()).isEqualTo("human");
    }

    @Test
    void shouldDeleteTheBlockByItsKeyAlone() {
        List<Event> events = mapping.map(Changes.keyOnlyDelete("block", key()), context);

        assertThat(Changes.types(events)).containsExactly("block.deleted");
        assertThat(events.get(0).streamId()).isEqualTo(B);
    }
}
