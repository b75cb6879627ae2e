package dev.agentlog.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.bench.run.ProcessorInput.Event;
import dev.agentlog.bench.run.ProcessorInput.Input;
import dev.agentlog.bench.run.ProcessorInput.Variant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessorInputTest {
    /** 5 streams, 200 events each, interleaved; each event's text is "stream:position". */
    private static List<Event> log() {
        List<Event> out = new ArrayList<>();
        for (int p = 1; p <= 200; p++) {
            for (int s = 0; s < 5; s++) {
                out.add(new Event("s" + s, ("s" + s + ":" + p).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    private static int position(Event e) {
        String text = new String(e.json(), StandardCharsets.UTF_8);
        return Integer.parseInt(text.substring(text.indexOf(':') + 1));
    }

    @Test
    void cleanIsTheLogItself() {
        Input input = ProcessorInput.of(log(), Variant.CLEAN, 0.1, 1);
        assertThat(input.distinctEvents()).isEqualTo(1000);
        assertThat(texts(input.records())).isEqualTo(texts(log()));
    }

    @Test
    void duplicatesRedeliverAShareOfTheEventsLaterWithTheSameBytes() {
        Input input = ProcessorInput.of(log(), Variant.DUPLICATES, 0.1, 7);
        List<String> texts = texts(input.records());
        assertThat(input.distinctEvents()).isEqualTo(1000);
        assertThat(new HashSet<>(texts)).hasSize(1000);
        int copies = texts.size() - 1000;
        assertThat(copies).isBetween(50, 150); // about 10% of 1,000
        // each stream's first deliveries are still in position order: a copy never comes before its original
        Map<String, Integer> last = new HashMap<>();
        Set<String> first = new HashSet<>();
        for (Event e : input.records()) {
            String t = new String(e.json(), StandardCharsets.UTF_8);
            if (first.add(t)) {
                assertThat(position(e)).isEqualTo(last.getOrDefault(e.streamId(), 0) + 1);
                last.put(e.streamId(), position(e));
            }
        }
    }

    @Test
    void gapsMoveAShareOfTheEventsJustAheadOfTheirPredecessor() {
        Input input = ProcessorInput.of(log(), Variant.GAPS, 0.1, 7);
        assertThat(input.distinctEvents()).isEqualTo(1000);
        assertThat(texts(input.records())).containsExactlyInAnyOrderElementsOf(texts(log()));
        Map<String, List<Integer>> byStream = new HashMap<>();
        for (Event e : input.records()) {
            byStream.computeIfAbsent(e.streamId(), k -> new ArrayList<>()).add(position(e));
        }
        int ahead = 0;
        for (List<Integer> positions : byStream.values()) {
            for (int i = 0; i < positions.size(); i++) {
                int expected = i + 1;
                int p = positions.get(i);
                if (p != expected) {
                    // only neighbours trade places: k+1 then k
                    assertThat(p).isEqualTo(expected + 1);
                    assertThat(positions.get(i + 1)).isEqualTo(expected);
                    ahead++;
                    i++;
                }
            }
        }
        assertThat(ahead).isBetween(50, 150);
    }

    @Test
    void gapsNeverSwapNeighboursFarApart() {
        // one stream's two events 2,000 records apart, the rest another stream's: nothing of "far" may be swapped
        List<Event> log = new ArrayList<>();
        log.add(new Event("far", "far:1".getBytes(StandardCharsets.UTF_8)));
        for (int p = 1; p <= 2_000; p++) {
            log.add(new Event("near", ("near:" + p).getBytes(StandardCharsets.UTF_8)));
        }
        log.add(new Event("far", "far:2".getBytes(StandardCharsets.UTF_8)));
        List<String> texts = texts(ProcessorInput.of(log, Variant.GAPS, 1.0, 5).records());
        assertThat(texts.get(0)).isEqualTo("far:1");
        assertThat(texts.get(texts.size() - 1)).isEqualTo("far:2");
        assertThat(texts).isNotEqualTo(texts(log)); // the near neighbours were
    }

    @Test
    void theSameSeedGivesTheSameInput() {
        assertThat(texts(ProcessorInput.of(log(), Variant.GAPS, 0.2, 3).records()))
                .isEqualTo(texts(ProcessorInput.of(log(), Variant.GAPS, 0.2, 3).records()));
        assertThat(texts(ProcessorInput.of(log(), Variant.DUPLICATES, 0.2, 3).records()))
                .isEqualTo(texts(ProcessorInput.of(log(), Variant.DUPLICATES, 0.2, 3).records()));
    }

    private static List<String> texts(List<Event> events) {
        return events.stream().map(e -> new String(e.json(), StandardCharsets.UTF_8)).toList();
    }
}
