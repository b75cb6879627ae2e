package dev.agentlog.processor;

import static dev.agentlog.processor.TestEvents.attached;
import static dev.agentlog.processor.TestEvents.eventId;
import static dev.agentlog.processor.TestEvents.streamSeq;
import static dev.agentlog.processor.TopologyHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Whatever the interleaving of streams, the duplicates and the reordering within a sequenced stream (as long
 * as every gap fills before the gap timeout: no wall-clock time passes here), the log of record is the clean
 * input: per stream, every event once, in stream order. jqwik prints the seed of a failing run.
 *
 * <p>One driver serves every try (a driver with its RocksDB stores costs ~0.2 s to open): each try uses
 * stream and event ids of its own, so no try can see another's state.
 */
class LogOfRecordPropertyTest {
    private static final AtomicInteger TRY = new AtomicInteger();
    private static TopologyHarness harness;

    @BeforeContainer
    static void openDriver() {
        harness = new TopologyHarness();
    }

    @AfterContainer
    static void closeDriver() {
        harness.close();
    }

    @Property(tries = 150)
    void logOfRecordEqualsTheCleanInput(@ForAll("scenarios") Scenario scenario) {
        harness.eventsOfRecord(); // left over by a failed try, if any, while jqwik shrinks
        harness.deadLetters();
        for (Arrival arrival : scenario.arrivals()) {
            harness.send(arrival.streamId(), arrival.json());
        }

        Map<String, List<String>> logOfRecord = new LinkedHashMap<>();
        for (TestRecord<byte[], byte[]> record : harness.eventsOfRecord()) {
            logOfRecord.computeIfAbsent(text(record.key()), s -> new ArrayList<>())
                    .add(eventId(record.value()) + "@" + streamSeq(record.value()));
        }
        assertThat(logOfRecord).isEqualTo(scenario.clean());
        assertThat(harness.deadLetters()).isEmpty();
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<StreamSpec> stream = Combinators.combine(Arbitraries.integers().between(1, 6),
                Arbitraries.of(true, false)).as(StreamSpec::new);
        return Combinators.combine(stream.list().ofMinSize(1).ofMaxSize(3), Arbitraries.randoms())
                .as(Scenario::arrange);
    }

    /** One stream of {@code size} events, with stream_seq 1..size or without any (the processor assigns them). */
    record StreamSpec(int size, boolean sequenced) {}

    record Arrival(String streamId, String json) {}

    record Scenario(List<Arrival> arrivals, Map<String, List<String>> clean) {

        static Scenario arrange(List<StreamSpec> specs, Random random) {
            int tryNumber = TRY.incrementAndGet();
            List<List<Arrival>> perStream = new ArrayList<>();
            Map<String, List<String>> clean = new LinkedHashMap<>();
            for (int s = 0; s < specs.size(); s++) {
                StreamSpec spec = specs.get(s);
                String streamId = "agent-" + tryNumber + "-" + s;
                List<Arrival> events = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (int seq = 1; seq <= spec.size(); seq++) {
                    String eventId = streamId + "-e" + seq;
                    events.add(new Arrival(streamId,
                            attached(eventId, streamId, spec.sequenced() ? (long) seq : null)));
                    expected.add(eventId + "@" + seq);
                }
                perStream.add(spec.sequenced() ? reorderedWithDuplicates(events, random)
                        : inOrderWithDuplicates(events, random));
                clean.put(streamId, expected);
            }
            return new Scenario(interleave(perStream, random), clean);
        }

        /** Any order, and any event re-sent anywhere (positions put them back in order). */
        private static List<Arrival> reorderedWithDuplicates(List<Arrival> events, Random random) {
            List<Arrival> arrivals = new ArrayList<>(events);
            for (Arrival event : events) {
                if (random.nextInt(3) == 0) {
                    arrivals.add(event);
                }
            }
            java.util.Collections.shuffle(arrivals, random);
            return arrivals;
        }

        /** Without positions the arrival order is the stream order: only re-sends, after their original. */
        private static List<Arrival> inOrderWithDuplicates(List<Arrival> events, Random random) {
            List<Arrival> arrivals = new ArrayList<>(events);
            for (Arrival event : events) {
                if (random.nextInt(3) == 0) {
                    int first = arrivals.indexOf(event);
                    arrivals.add(first + 1 + random.nextInt(arrivals.size() - first), event);
                }
            }
            return arrivals;
        }

        private static List<Arrival> interleave(List<List<Arrival>> perStream, Random random) {
            List<Arrival> merged = new ArrayList<>();
            List<Integer> next = new ArrayList<>(java.util.Collections.nCopies(perStream.size(), 0));
            int remaining = perStream.stream().mapToInt(List::size).sum();
            while (remaining > 0) {
                int s = random.nextInt(perStream.size());
                if (next.get(s) < perStream.get(s).size()) {
                    merged.add(perStream.get(s).get(next.get(s)));
                    next.set(s, next.get(s) + 1);
                    remaining--;
                }
            }
            return merged;
        }
    }
}
