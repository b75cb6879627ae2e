package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The envelope's {@code tenant}: its rule, the codec, and the one way ingest stamps it. */
class EventTenantTest {
    private final EventCodec codec = EventCodec.standard();

    private static ObjectNode sample() {
        return SampleEvents.event(EventType.MESSAGE_DELETED, SampleEvents.payloads().get(EventType.MESSAGE_DELETED));
    }

    private Event decode(ObjectNode json) throws InvalidEventException {
        return codec.decode(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRoundTripTheTenantThroughTheCodec() throws Exception {
        Event event = decode(sample());

        assertThat(event.tenant()).isEqualTo("acme");
        assertThat(codec.toJson(event).get("tenant").asText()).isEqualTo("acme");
        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }

    @Test
    void shouldLeaveTheTenantOutWhenThereIsNone() throws Exception {
        ObjectNode json = sample();
        json.remove("tenant");

        Event event = decode(json);

        assertThat(event.tenant()).isNull();
        assertThat(codec.toJson(event).has("tenant")).isFalse();
        assertThat(decode((ObjectNode) json.put("tenant", (String) null)).tenant()).isNull();
    }

    @Test
    void shouldRefuseATenantOutsideItsRule() {
        assertThat(violations(j -> j.put("tenant", ""))).containsExactly("tenant: must have 1..128 characters, was 0");
        assertThat(violations(j -> j.put("tenant", "a".repeat(129))))
                .containsExactly("tenant: must have 1..128 characters, was 129");
        assertThat(violations(j -> j.put("tenant", "acme corp"))).containsExactly("tenant: must be made of [A-Za-z0-9._-] only");
        assertThat(violations(j -> j.put("tenant", "acme\u0000"))).contains("tenant: must be made of [A-Za-z0-9._-] only");
        assertThat(violations(j -> j.put("tenant", 7))).containsExactly("tenant: must be a string");
        assertThat(Tenants.isLegal("a".repeat(128))).isTrue();
        assertThat(Tenants.isLegal("org-3f1c9a0e_2b1d.4c55")).isTrue();
    }

    @Test
    void shouldRefuseAnIllegalTenantInTheRecordItself() {
        Event event = Event.of("e-1", "agent-1", OffsetDateTime.parse("2026-11-24T10:00:00Z"),
                new MessageDeleted("message-1", Map.of()));

        assertThat(event.withTenant("acme").tenant()).isEqualTo("acme");
        assertThat(event.withTenant("acme").withTenant(null).tenant()).isNull();
        assertThatThrownBy(() -> event.withTenant("acme/other"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tenant must be made of [A-Za-z0-9._-] only");
    }

    @Test
    void shouldStampTheKeysTenantAndIgnoreWhatTheClientSent() throws Exception {
        ObjectNode forged = sample().put("tenant", "globex");

        assertThat(codec.fromClientJson(forged, "acme").tenant()).isEqualTo("acme");
        assertThat(codec.fromClientJson(forged, null).tenant()).isNull();
        assertThat(forged.get("tenant").asText()).as("the request's own JSON is left alone").isEqualTo("globex");
    }

    @Test
    void shouldNotRefuseAnEventForAMalformedTenantTheClientSent() throws Exception {
        for (ObjectNode forged : new ObjectNode[] {sample().put("tenant", ""), sample().put("tenant", 42),
                sample().put("tenant", "x".repeat(10_000)), (ObjectNode) sample().set("tenant", sample())}) {
            assertThat(codec.fromClientJson(forged, "acme").tenant()).isEqualTo("acme");
        }
    }

    @Test
    void shouldStillReportEveryOtherViolationOfAClientsEvent() {
        ObjectNode broken = sample().put("tenant", 42).put("stream_id", "");

        assertThatThrownBy(() -> codec.fromClientJson(broken, "acme"))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).violations())
                        .extracting(Violation::toString).containsExactly("stream_id: must not be empty"));
    }

    @Test
    void shouldRefuseAnIllegalTenantFromTheKey() {
        assertThatThrownBy(() -> codec.fromClientJson(sample(), "bad tenant"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the API key's tenant must be made of [A-Za-z0-9._-] only");
    }

    private java.util.List<String> violations(java.util.function.Consumer<ObjectNode> breakIt) {
        ObjectNode json = sample();
        breakIt.accept(json);
        try {
            decode(json);
        } catch (InvalidEventException e) {
            return e.violations().stream().map(Violation::toString).toList();
        }
        throw new AssertionError("expected the event to be refused: " + json);
    }
}
