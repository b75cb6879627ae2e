package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.Event;
import dev.agentlog.events.MessageDeleted;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class InMemoryEventKeysTest {
    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-04T10:00:00Z");

    private static Event event(String id, String stream, Long seq) {
        Event e = Event.of(id, stream, AT, new MessageDeleted("message-1", Map.of()));
        return seq == null ? e : e.withStreamSeq(seq);
    }

    private static InMemoryEventKeys keys(long records) {
        return InMemoryEventKeys.forRecords(records, 1 << 20).orElseThrow();
    }

    @Test
    void shouldStopABatchWhoseEventIdWasClaimedBefore() {
        InMemoryEventKeys keys = keys(10);
        keys.claim(List.of(event("e-1", "agent-1", 1L), event("e-2", "agent-1", 2L)));

        assertThatThrownBy(() -> keys.claim(List.of(event("e-3", "agent-1", 3L), event("e-1", "agent-2", 1L))))
                .isInstanceOf(UniqueIndexNeeded.class).hasMessageContaining("event_id e-1");
    }

    @Test
    void shouldStopABatchThatTakesAPositionAgain() {
        InMemoryEventKeys keys = keys(10);
        keys.claim(List.of(event("e-1", "agent-1", 1L)));

        assertThatThrownBy(() -> keys.claim(List.of(event("e-2", "agent-1", 1L))))
                .isInstanceOf(UniqueIndexNeeded.class).hasMessageContaining("position 1 of stream agent-1");
    }

    @Test
    void shouldLetEventsWithoutAPositionShareTheirStream() {
        InMemoryEventKeys keys = keys(10);
        keys.claim(List.of(event("e-1", "agent-1", null), event("e-2", "agent-1", null)));

        assertThat(keys.size()).isEqualTo(2);
    }

    @Property(tries = 50)
    void shouldNeverLetAClaimedKeyThroughWhileGrowing(@ForAll @IntRange(min = 1, max = 5_000) int events) {
        InMemoryEventKeys keys = keys(1); // grows from its smallest size
        List<Event> claimed = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            claimed.add(event(UUID.randomUUID().toString(), "agent-" + (i % 7), (long) i + 1));
        }
        for (int from = 0; from < events; from += 100) {
            keys.claim(claimed.subList(from, Math.min(events, from + 100)));
        }

        assertThat(keys.size()).isEqualTo(2 * events);
        for (Event e : claimed) {
            assertThatThrownBy(() -> keys.claim(List.of(event(e.eventId(), "other", null))))
                    .isInstanceOf(UniqueIndexNeeded.class);
        }
    }

    @Test
    void shouldAskForTheIndexesBeyondItsMemory() {
        InMemoryEventKeys keys = InMemoryEventKeys.forRecords(10, 16 * 1024).orElseThrow(); // 2048 slots
        List<Event> many = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            many.add(event("e-" + i, "agent-1", (long) i + 1));
        }

        assertThatThrownBy(() -> keys.claim(many)).isInstanceOf(UniqueIndexNeeded.class)
                .hasMessageContaining("in-memory keys");
    }

    @Test
    void shouldLeaveTheIndexesInPlaceWhenTheLogIsTooLargeForItsMemory() {
        assertThat(InMemoryEventKeys.forRecords(10_000_000, 64 << 20)).isEmpty();
        assertThat(InMemoryEventKeys.forRecords(1_000_000, 64 << 20).orElseThrow().indexed()).isFalse();
    }

    @Test
    void shouldRefuseClaimsOnceTheIndexesAreBuilt() {
        InMemoryEventKeys keys = keys(10);
        keys.indexesBuilt();

        assertThat(keys.indexed()).isTrue();
        assertThatThrownBy(() -> keys.claim(List.of(event("e-1", "agent-1", 1L))))
                .isInstanceOf(IllegalStateException.class);
    }
}
