package dev.agentlog.processor;

import static dev.agentlog.processor.TestEvents.attachedBy;
import static dev.agentlog.processor.TestEvents.eventId;
import static dev.agentlog.processor.TestEvents.tenant;
import static dev.agentlog.processor.TopologyHarness.header;
import static dev.agentlog.processor.TopologyHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.DeadLetterHeaders;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Whatever several tenants (and writers without one) send to a few streams, with or without stream_seq, in
 * any order, with re-used event ids, and on streams from before tenants: no stream of the log of record ever
 * holds events of two tenants, its events are those of the tenant its store records as owner, every refusal
 * for {@code tenant} is an event of another tenant than the owner, and nothing is lost (once the gaps time out,
 * every event id sent is in the log of record or in the dead-letter topic). jqwik prints the seed of a failure.
 *
 * <p>One driver serves every try; each try uses stream and event ids of its own.
 */
class StreamTenantPropertyTest {
    private static final List<String> TENANTS = java.util.Arrays.asList(null, "acme", "globex");
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

    /** One record sent: to stream {@code stream} of the try, by tenant {@code TENANTS[tenant]}. */
    record Send(int stream, int tenant, Long streamSeq, int eventId) {}

    @Property(tries = 200)
    void aStreamNeverHoldsEventsOfTwoTenants(@ForAll("sends") List<Send> sends, @ForAll boolean firstStreamIsOld) {
        int tryNumber = TRY.incrementAndGet();
        harness.eventsOfRecord(); // left over by a failed try, if any, while jqwik shrinks
        harness.deadLetters();
        String oldStream = "agent-" + tryNumber + "-0";
        if (firstStreamIsOld) {
            KeyValueStore<String, Long> positions = harness.driver.getKeyValueStore(ProcessorTopology.STREAM_POSITIONS_STORE);
            positions.put(oldStream, 2L); // its events passed before the processor knew tenants
        }
        Set<String> sent = new LinkedHashSet<>();
        for (Send send : sends) {
            String streamId = "agent-" + tryNumber + "-" + send.stream();
            String id = "t" + tryNumber + "-e" + send.eventId();
            sent.add(id);
            harness.send(streamId, attachedBy(TENANTS.get(send.tenant()), id, streamId, send.streamSeq()));
        }
        harness.driver.advanceWallClockTime(Duration.ofMillis(TopologyHarness.GAP_TIMEOUT_MS + 1_000));

        KeyValueStore<String, String> owners = harness.driver.getKeyValueStore(ProcessorTopology.STREAM_TENANTS_STORE);
        Map<String, Set<String>> tenantsByStream = new HashMap<>();
        Set<String> landed = new HashSet<>();
        for (TestRecord<byte[], byte[]> record : harness.eventsOfRecord()) {
            tenantsByStream.computeIfAbsent(text(record.key()), s -> new HashSet<>())
                    .add(Objects.toString(tenant(record.value()), ""));
            landed.add(eventId(record.value()));
        }
        tenantsByStream.forEach((stream, tenants) -> {
            assertThat(tenants).as("tenants of the events of record of %s", stream).hasSize(1);
            assertThat(owners.get(stream)).as("recorded owner of %s", stream).isEqualTo(tenants.iterator().next());
        });
        if (firstStreamIsOld && tenantsByStream.containsKey(oldStream)) {
            assertThat(tenantsByStream.get(oldStream)).as("a stream from before tenants").containsExactly("");
        }
        List<TestRecord<byte[], byte[]>> dead = harness.deadLetters();
        for (TestRecord<byte[], byte[]> record : dead) {
            landed.add(eventId(record.value()));
            if ("tenant".equals(header(record, DeadLetterHeaders.REASON))) {
                String stream = text(record.key());
                String owner = owners.get(stream) != null ? owners.get(stream) : stream.equals(oldStream) ? "" : null;
                assertThat(owner).as("owner of %s, which refused %s", stream, text(record.value())).isNotNull()
                        .isNotEqualTo(Objects.toString(tenant(record.value()), ""));
            }
        }
        assertThat(landed).as("every event id sent is in the log of record or the dead-letter topic")
                .containsAll(sent);
        assertThat(harness.waiting()).isZero();
    }

    @Provide
    Arbitrary<List<Send>> sends() {
        Arbitrary<Long> seq = Arbitraries.longs().between(1, 5).injectNull(0.5);
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2), seq,
                Arbitraries.integers().between(0, 14)).as(Send::new).list().ofMinSize(1).ofMaxSize(16);
    }
}
