package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.Event;
import dev.agentlog.events.MessageDeleted;
import dev.agentlog.sink.internal.TargetTables;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a rebuild's batch path may assume about its shadow tables, against what a live sink's may. */
class ShadowTablesTest {
    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-06T10:00:00Z");

    private static Event event(String id, long seq) {
        return Event.of(id, "agent-1", AT, new MessageDeleted("message-1", Map.of())).withStreamSeq(seq);
    }

    @Test
    void shouldLookEveryEventIdUpInALiveSchema() {
        assertThat(TargetTables.LIVE.eventIdsToLookUp(List.of(event("e-1", 1), event("e-2", 2))))
                .containsExactly("e-1", "e-2");
        assertThat(ShadowTables.resumed().eventIdsToLookUp(List.of(event("e-1", 1)))).containsExactly("e-1");
    }

    @Test
    void shouldLookUpOnlyTheKeysItWroteInTablesThatStartedEmpty() {
        ShadowTables tables = ShadowTables.startingEmpty(1000, 0);
        tables.wrote("events", "e-1");
        tables.wrote("messages", "message-1");

        assertThat(tables.eventIdsToLookUp(List.of(event("e-1", 1), event("e-2", 2)))).containsExactly("e-1");
        assertThat(tables.mayHold("messages", "message-1")).isTrue();
        assertThat(tables.mayHold("messages", "message-2")).isFalse();
        assertThat(tables.uniqueKeysInMemory()).isFalse();
    }

    @Test
    void shouldClaimEventIdsInMemoryUntilTheUniqueIndexesAreBuilt() {
        ShadowTables tables = ShadowTables.startingEmpty(1000, 1 << 20);
        assertThat(tables.uniqueKeysInMemory()).isTrue();

        assertThat(tables.eventIdsToLookUp(List.of(event("e-1", 1)))).isEmpty();
        tables.wrote("events", "e-1");
        assertThatThrownBy(() -> tables.eventIdsToLookUp(List.of(event("e-1", 2))))
                .isInstanceOf(UniqueIndexNeeded.class).hasMessageContaining("event_id e-1");
        assertThatThrownBy(() -> tables.requireUniqueIndexes("ON CONFLICT (event_id)"))
                .isInstanceOf(UniqueIndexNeeded.class)
                .hasMessage("ON CONFLICT (event_id) needs the unique index of events");

        tables.uniqueIndexesBuilt();

        assertThat(tables.uniqueKeysInMemory()).isFalse();
        // the keys claimed in memory were never put among the written keys: every event_id is looked up in the index
        assertThat(tables.eventIdsToLookUp(List.of(event("e-1", 2), event("e-3", 3)))).containsExactly("e-1", "e-3");
        tables.requireUniqueIndexes("ON CONFLICT (event_id)");
    }
}
