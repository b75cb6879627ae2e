package dev.agentlog.processor;

import static dev.agentlog.processor.TestEvents.attachedBy;
import static dev.agentlog.processor.TestEvents.eventId;
import static dev.agentlog.processor.TestEvents.streamSeq;
import static dev.agentlog.processor.TestEvents.tenant;
import static dev.agentlog.processor.TopologyHarness.header;
import static dev.agentlog.processor.TopologyHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.DeadLetterReason;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stream belongs to the tenant of its first event of record; another tenant's event goes to the DLQ (tenant). */
class StreamTenantTopologyTest {
    private static final String AGENT = "agent-1";

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private List<String> passed() {
        return harness.eventsOfRecord().stream()
                .map(r -> eventId(r.value()) + "@" + streamSeq(r.value()) + ":" + tenant(r.value())).toList();
    }

    @Test
    void shouldSendAnotherTenantsEventOnAStreamToTheDeadLetterTopicWithReasonTenant() {
        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, null));
        String forged = attachedBy("globex", "e-2", AGENT, null);
        harness.send(AGENT, forged);
        harness.send(AGENT, attachedBy("acme", "e-3", AGENT, null));

        assertThat(passed()).containsExactly("e-1@1:acme", "e-3@2:acme");
        List<TestRecord<byte[], byte[]>> dead = harness.deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("tenant");
        assertThat(header(dead.get(0), DeadLetterHeaders.RULE)).isEqualTo("tenant: stream 'agent-1' belongs to tenant"
                + " 'acme' (the tenant of its first event); event 'e-2' of tenant 'globex' cannot join it. Write it"
                + " with a key of the stream's tenant, or to a stream of its own.");
        assertThat(text(dead.get(0).value())).as("the original bytes").isEqualTo(forged);
        assertThat(text(dead.get(0).key())).isEqualTo(AGENT);
        assertThat(harness.deadLettered(DeadLetterReason.TENANT)).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnEventWithoutTenantOnATenantsStreamAndATenantsEventOnAStreamOfNoTenant() {
        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, null));
        harness.send(AGENT, attachedBy(null, "e-2", AGENT, null));
        harness.send("agent-2", attachedBy(null, "e-3", "agent-2", null));
        harness.send("agent-2", attachedBy("acme", "e-4", "agent-2", null));

        assertThat(passed()).containsExactly("e-1@1:acme", "e-3@1:null");
        assertThat(harness.deadLetters()).extracting(r -> eventId(r.value()) + ":" + header(r, DeadLetterHeaders.REASON))
                .containsExactly("e-2:tenant", "e-4:tenant");
    }

    @Test
    void shouldRefuseAnotherTenantBeforeLookingAtPositionsSoThatItLearnsNothingOfThem() {
        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, 1L));
        harness.send(AGENT, attachedBy("globex", "e-2", AGENT, 1L)); // a conflict if it were acme's
        harness.send(AGENT, attachedBy("globex", "e-3", AGENT, 5L)); // would be held if it were acme's

        assertThat(harness.deadLetters()).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("tenant", "tenant");
        assertThat(harness.waiting()).isZero();
    }

    @Test
    void shouldKeepTheStreamsOfDifferentTenantsApart() {
        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, null));
        harness.send("agent-2", attachedBy("globex", "e-2", "agent-2", null));
        harness.send("agent-2", attachedBy("globex", "e-3", "agent-2", null));

        assertThat(passed()).containsExactly("e-1@1:acme", "e-2@1:globex", "e-3@2:globex");
        assertThat(harness.deadLetters()).isEmpty();
    }

    @Test
    void shouldGiveAStreamToItsFirstEventOfRecordNotToItsFirstArrival() {
        harness.send(AGENT, attachedBy("globex", "e-2", AGENT, 2L)); // held: position 1 is missing
        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, 1L));   // passes: the stream is acme's

        assertThat(passed()).containsExactly("e-1@1:acme");
        assertThat(harness.deadLetters()).extracting(r -> eventId(r.value()) + ":" + header(r, DeadLetterHeaders.REASON))
                .containsExactly("e-2:tenant");
        assertThat(harness.waiting()).isZero();

        harness.send(AGENT, attachedBy("acme", "e-3", AGENT, 2L));
        assertThat(passed()).as("the refused event took no position").containsExactly("e-3@2:acme");
    }

    @Test
    void shouldKeepTheOwnersEventsWaitingBehindARefusedHeldEvent() {
        harness.send(AGENT, attachedBy("globex", "e-2", AGENT, 2L));
        harness.send(AGENT, attachedBy("acme", "e-3", AGENT, 3L));
        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, 1L));

        assertThat(passed()).containsExactly("e-1@1:acme");
        assertThat(harness.waiting()).isEqualTo(1);

        harness.send(AGENT, attachedBy("acme", "e-2b", AGENT, 2L));
        assertThat(passed()).containsExactly("e-2b@2:acme", "e-3@3:acme");
    }

    @Test
    void shouldTreatAStreamFromBeforeTenantsAsOwnedByNoTenant() {
        KeyValueStore<String, Long> positions = harness.driver.getKeyValueStore(ProcessorTopology.STREAM_POSITIONS_STORE);
        KeyValueStore<String, String> owners = harness.driver.getKeyValueStore(ProcessorTopology.STREAM_TENANTS_STORE);
        positions.put(AGENT, 7L); // a stream whose events passed before the tenants store existed

        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, null));
        harness.send(AGENT, attachedBy(null, "e-2", AGENT, null));

        assertThat(passed()).containsExactly("e-2@8:null");
        assertThat(harness.deadLetters()).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("tenant");
        assertThat(owners.get(AGENT)).as("written once the old stream takes an event").isEmpty();
    }

    @Test
    void shouldLeaveAStreamUnclaimedWhenItsOnlyEventsWereGivenUpAfterAGap() {
        KeyValueStore<String, String> owners = harness.driver.getKeyValueStore(ProcessorTopology.STREAM_TENANTS_STORE);
        harness.send(AGENT, attachedBy(null, "e-3", AGENT, 3L));
        harness.driver.advanceWallClockTime(Duration.ofMillis(TopologyHarness.GAP_TIMEOUT_MS + 1_000));
        assertThat(harness.deadLetters()).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("gap");

        harness.send(AGENT, attachedBy("acme", "e-4", AGENT, null));

        assertThat(passed()).as("positions 1-3 are used, yet nobody owned the stream").containsExactly("e-4@4:acme");
        assertThat(owners.get(AGENT)).isEqualTo("acme");
    }

    @Test
    void shouldDropADuplicateWhateverTenantItClaims() {
        harness.send(AGENT, attachedBy("acme", "e-1", AGENT, null));
        harness.send(AGENT, attachedBy("globex", "e-1", AGENT, null));

        assertThat(passed()).containsExactly("e-1@1:acme");
        assertThat(harness.deadLetters()).isEmpty();
        assertThat(harness.counter(ProcessorMetrics.DUPLICATES)).isEqualTo(1);
    }
}
