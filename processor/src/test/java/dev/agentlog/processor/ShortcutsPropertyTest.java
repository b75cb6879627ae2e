package dev.agentlog.processor;

import static dev.agentlog.processor.TestEvents.attachedBy;
import static dev.agentlog.processor.TopologyHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.processor.internal.Shortcuts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The processor with its {@link Shortcuts} (the chunked, cached expiry index; the held streams known in memory) writes
 * exactly what the long way writes: the same events of record and the same dead letters (value, key and every header:
 * reason, rule, source, time), record for record, on random logs of a few streams with re-deliveries, events out of
 * order (held, then released), gaps that time out, duplicates that come back after the de-duplication retention,
 * events without stream_seq and streams claimed by other tenants, the wall clock moving in between.
 *
 * <p>One pair of drivers serves every try (a driver with its RocksDB stores costs ~0.2 s to open): each try uses
 * stream and event ids of its own, and both drivers see the same input and the same clock.
 */
class ShortcutsPropertyTest {
    private static final AtomicInteger TRY = new AtomicInteger();
    private static final UnaryOperator<ProcessorSettings> SHORT_TIMES =
            s -> s.withDedupeRetentionMs(5_000).withGapTimeoutMs(2_000);
    private static TopologyHarness shortcuts;
    private static TopologyHarness longWay;

    @BeforeContainer
    static void openDrivers() {
        shortcuts = new TopologyHarness(EventCodec.standard(), SHORT_TIMES, Shortcuts.ON);
        longWay = new TopologyHarness(EventCodec.standard(), SHORT_TIMES, Shortcuts.OFF);
    }

    @AfterContainer
    static void closeDrivers() {
        shortcuts.close();
        longWay.close();
    }

    @Property(tries = 120)
    void shortcutsWriteWhatTheLongWayWrites(@ForAll("logs") List<Step> steps) {
        int tryNumber = TRY.incrementAndGet();
        for (TopologyHarness h : List.of(shortcuts, longWay)) {
            h.eventsOfRecord(); // left over by a failed try, if any, while jqwik shrinks
            h.deadLetters();
        }
        List<Step> all = new ArrayList<>(steps);
        all.add(new Wait(10_000)); // every gap of this try gives up, its history expires: the next try starts clean
        for (Step step : all) {
            for (TopologyHarness h : List.of(shortcuts, longWay)) {
                step.apply(h, tryNumber);
            }
        }
        List<String> eventsOfRecord = written(shortcuts.eventsOfRecord());
        List<String> deadLetters = written(shortcuts.deadLetters());
        assertThat(eventsOfRecord).isEqualTo(written(longWay.eventsOfRecord()));
        assertThat(deadLetters).isEqualTo(written(longWay.deadLetters()));
        // and the purge has left the same history behind (what the chunks index, it deletes when the long way does)
        for (String store : List.of(ProcessorTopology.EVENT_IDS_STORE, ProcessorTopology.POSITION_OWNERS_STORE,
                ProcessorTopology.STREAM_POSITIONS_STORE, ProcessorTopology.HELD_EVENTS_STORE)) {
            assertThat(contents(shortcuts, store)).as(store).isEqualTo(contents(longWay, store));
        }
    }

    private static List<String> contents(TopologyHarness harness, String store) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<Object, Object> all = harness.driver.getKeyValueStore(store).all()) {
            all.forEachRemaining(kv -> out.add(show(kv.key) + "=" + show(kv.value)));
        }
        return out;
    }

    private static String show(Object o) {
        if (o instanceof Bytes b) {
            return java.util.HexFormat.of().formatHex(b.get());
        }
        return o instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(o);
    }

    @Provide
    Arbitrary<List<Step>> logs() {
        Arbitrary<Step> send = Combinators.combine(Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 9),
                        Arbitraries.of("acme", "acme", "acme", "other", ""))
                .as((stream, event, seq, tenant) -> new Send(stream, event, seq <= 1 ? null : (long) seq - 1,
                        tenant.isEmpty() ? null : tenant));
        Arbitrary<Step> wait = Arbitraries.of(50L, 500L, 1_500L, 2_500L, 6_000L).map(Wait::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, send), net.jqwik.api.Tuple.of(1, wait))
                .list().ofMinSize(1).ofMaxSize(60);
    }

    /** One thing that happens to both processors. */
    sealed interface Step permits Send, Wait {
        void apply(TopologyHarness harness, int tryNumber);
    }

    /** An event of stream {@code stream}, id {@code event}, with that stream_seq (or none) and tenant (or none). */
    record Send(int stream, int event, Long seq, String tenant) implements Step {
        @Override
        public void apply(TopologyHarness harness, int tryNumber) {
            String streamId = "agent-" + tryNumber + "-" + stream;
            // an event id may come again with another stream_seq or tenant (a conflict) or the same (a re-delivery)
            harness.send(streamId, attachedBy(tenant, streamId + "-e" + event, streamId, seq));
        }
    }

    /** The wall clock moves on (gap timeouts, the retention, the purge). */
    record Wait(long millis) implements Step {
        @Override
        public void apply(TopologyHarness harness, int tryNumber) {
            harness.driver.advanceWallClockTime(Duration.ofMillis(millis));
        }
    }

    /** Every record as text: key, value and each header. */
    private static List<String> written(List<TestRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : records) {
            StringBuilder line = new StringBuilder(text(r.key())).append(" | ").append(text(r.value()));
            for (Header h : r.headers()) {
                line.append(" | ").append(h.key()).append('=')
                        .append(h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8));
            }
            out.add(line.toString());
        }
        return out;
    }
}
