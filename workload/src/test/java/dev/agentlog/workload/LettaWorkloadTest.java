package dev.agentlog.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.MessageCreated;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LettaWorkloadTest {
    private static List<WorkloadEvent> generate(long seed, int events, int agents) {
        List<WorkloadEvent> out = new ArrayList<>();
        new LettaWorkload(seed, events, agents).forEachRemaining(out::add);
        return out;
    }

    @Test
    void shouldGenerateExactlyTheRequestedNumberOfEvents() {
        assertThat(generate(1, 5_000, 50)).hasSize(5_000);
        assertThat(generate(1, 5_001, 50)).hasSize(5_001);
    }

    @Test
    void shouldGenerateTheSameBytesForTheSameSeed() {
        List<WorkloadEvent> a = generate(7, 3_000, 20);
        List<WorkloadEvent> b = generate(7, 3_000, 20);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).json()).isEqualTo(b.get(i).json());
        }
        assertThat(generate(8, 3_000, 20).get(100).json()).isNotEqualTo(a.get(100).json());
    }

    @Test
    void shouldGenerateValidEventsOfRecordWithContiguousStreamPositions() throws Exception {
        EventCodec codec = EventCodec.standard();
        Map<String, Long> lastSeq = new HashMap<>();
        for (WorkloadEvent generated : generate(3, 10_000, 100)) {
            Event event = codec.decode(generated.json());
            assertThat(event.type()).isEqualTo(generated.type());
            assertThat(event.streamId()).isEqualTo(generated.streamId());
            assertThat(event.schemaVersion()).isEqualTo(event.type().currentVersion());
            long expected = lastSeq.getOrDefault(event.streamId(), 0L) + 1;
            assertThat(event.streamSeq()).isEqualTo(expected);
            lastSeq.put(event.streamId(), expected);
        }
    }

    @Test
    void shouldBeDominatedByMessagesOfAboutThreeHundredCharacters() throws Exception {
        EventCodec codec = EventCodec.standard();
        Map<EventType, Integer> byType = new EnumMap<>(EventType.class);
        int longMessages = 0;
        List<WorkloadEvent> events = generate(5, 20_000, 100);
        for (WorkloadEvent generated : events) {
            byType.merge(generated.type(), 1, Integer::sum);
            if (generated.type() == EventType.MESSAGE_CREATED) {
                MessageCreated m = (MessageCreated) codec.decode(generated.json()).payload();
                String text = m.content().get(0).get("text").asText();
                if (text.length() >= LettaWorkload.MESSAGE_TEXT_CHARS) {
                    longMessages++;
                }
            }
        }
        assertThat(byType.get(EventType.MESSAGE_CREATED)).isGreaterThan(events.size() / 2);
        assertThat(longMessages).isGreaterThan(events.size() / 2);
        assertThat(byType).containsKeys(EventType.BLOCK_UPDATED, EventType.CONTEXT_UPDATED, EventType.PASSAGE_INSERTED,
                EventType.MESSAGE_UPDATED, EventType.MESSAGE_DELETED);
    }

    @Test
    void shouldEndWithTheDeletesWhoseCascadesASinkMustGetRight() throws Exception {
        EventCodec codec = EventCodec.standard();
        List<WorkloadEvent> events = new LettaWorkload(9, 2_000, 10).endingWithDeletes().toList();

        assertThat(events).hasSize(2_000);
        List<String> ending = new ArrayList<>();
        for (WorkloadEvent e : events.subList(events.size() - 4, events.size())) {
            ending.add(e.type().wireName() + " " + codec.decode(e.json()).streamId());
        }
        assertThat(ending).containsExactly("agent.deleted agent-bench-0", "block.detached agent-bench-1",
                "block.deleted block-bench-1", "passage.deleted archive-bench-2");
        assertThat(events.stream().filter(e -> e.streamId().equals("agent-bench-0")
                && e.type() == EventType.MESSAGE_CREATED)).isNotEmpty();
    }

    @Test
    void shouldRefuseTooFewEventsForTheAgentsSetUp() {
        assertThatThrownBy(() -> new LettaWorkload(1, 100, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--events must be at least 370");
    }

    @Test
    void shouldGiveTheQueryFixturesExactlyTheirMessagesAndVersionsSpreadOverTheLog() throws Exception {
        EventCodec codec = EventCodec.standard();
        List<WorkloadEvent> events = new LettaWorkload(11, 60_000, 50).withQueryFixtures().toList();

        assertThat(events).hasSize(60_000);
        Map<String, Integer> messages = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        int versions = 0;
        int firstEdit = -1;
        int lastEdit = -1;
        for (int i = 0; i < events.size(); i++) {
            Event event = codec.decode(events.get(i).json());
            assertThat(event.streamSeq()).isEqualTo(lastSeq.getOrDefault(event.streamId(), 0L) + 1);
            lastSeq.put(event.streamId(), event.streamSeq());
            if (event.type() == EventType.MESSAGE_CREATED) {
                messages.merge(event.streamId(), 1, Integer::sum);
            }
            if (event.streamId().equals(QueryFixtures.VERSIONED_BLOCK)) {
                versions++;
                firstEdit = firstEdit < 0 ? i : firstEdit;
                lastEdit = i;
            }
        }
        for (int count : QueryFixtures.MESSAGE_COUNTS) {
            assertThat(messages.get(QueryFixtures.agent(count))).as("messages of the %d-message agent", count)
                    .isEqualTo(count);
        }
        assertThat(versions).isEqualTo(QueryFixtures.BLOCK_VERSIONS);
        assertThat(firstEdit).isLessThan(events.size() / 10);
        assertThat(lastEdit).isGreaterThan(events.size() * 8 / 10);
        assertThat(new LettaWorkload(11, 60_000, 50).withQueryFixtures().toList().get(30_000).json())
                .isEqualTo(events.get(30_000).json());
    }

    @Test
    void shouldGiveTheQueryFixturesWholeWithinTheirSpanAndNothingAfterIt() throws Exception {
        EventCodec codec = EventCodec.standard();
        List<WorkloadEvent> events = new LettaWorkload(11, 120_000, 50).withQueryFixtures(60_000).toList();

        Map<String, Integer> messages = new HashMap<>();
        int versions = 0;
        for (WorkloadEvent e : events.subList(0, 60_000)) {
            Event event = codec.decode(e.json());
            if (event.type() == EventType.MESSAGE_CREATED) {
                messages.merge(event.streamId(), 1, Integer::sum);
            }
            versions += event.streamId().equals(QueryFixtures.VERSIONED_BLOCK) ? 1 : 0;
        }
        for (int count : QueryFixtures.MESSAGE_COUNTS) {
            assertThat(messages.get(QueryFixtures.agent(count))).as("messages of the %d-message agent", count)
                    .isEqualTo(count);
        }
        assertThat(versions).isEqualTo(QueryFixtures.BLOCK_VERSIONS);
        assertThat(events.subList(60_000, events.size())).noneMatch(e -> e.streamId().contains("-bench-q")
                || e.streamId().equals(QueryFixtures.VERSIONED_BLOCK));
        assertThatThrownBy(() -> new LettaWorkload(1, 60_000, 50).withQueryFixtures(60_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must lie inside the log");
    }

    @Test
    void shouldRefuseQueryFixturesThatDoNotFit() {
        assertThatThrownBy(() -> new LettaWorkload(1, 20_000, 50).withQueryFixtures())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for the query fixtures");
    }
}
