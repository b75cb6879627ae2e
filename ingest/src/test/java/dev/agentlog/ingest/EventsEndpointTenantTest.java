package dev.agentlog.ingest;

import dev.agentlog.client.EventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.internal.EventsEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Ingest stamps the tenant of the key that wrote an event, and ignores any tenant the client put in the body;
 * Kafka's MockProducer stands in for the broker (the app module runs the path against a real one).
 */
class EventsEndpointTenantTest {
    private final EventCodec codec = EventCodec.standard();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final IngestSettings settings = IngestSettings.defaults(ApiKeys.parse("tester:test-key-0123456789"));
    private final EventsEndpoint endpoint = new EventsEndpoint(settings,
            new EventPublisher(producer, "mock:9092", Topics.DEFAULT, settings.publisherSettings()), codec,
            new SimpleMeterRegistry(), null);

    private static ObjectNode event(String eventId) throws Exception {
        return (ObjectNode) EventCodec.JSON.readTree("""
            {"event_id":"%s","type":"message.deleted","schema_version":1,"stream_id":"agent-1",
             "occurred_at":"2026-11-24T10:00:00Z","payload":{"message_id":"message-1"}}""".formatted(eventId));
    }

    /** A request of the key {@code tester}, whose tenant is {@code tenant} (null: none). */
    private static ApiRequest post(JsonNode body, String tenant) {
        return new ApiRequest("POST", "/v1/events", Map.of(), Map.of("Content-Type", List.of("application/json")),
                body.toString().getBytes(StandardCharsets.UTF_8), new ApiKey("tester", Set.of(Scope.EVENTS_WRITE), tenant));
    }

    private Event published(int index) throws Exception {
        return codec.decode(producer.history().get(index).value());
    }

    @Test
    void shouldStampTheKeysTenantOnEveryEventOfARequest() throws Exception {
        ApiResponse response = endpoint.handle(post(EventCodec.JSON.createArrayNode().add(event("e-1")).add(event("e-2")),
                "acme"));

        assertThat(response.status()).isEqualTo(202);
        assertThat(published(0).tenant()).isEqualTo("acme");
        assertThat(published(1).tenant()).isEqualTo("acme");
        assertThat(published(1).source()).isEqualTo("http:tester");
    }

    @Test
    void shouldIgnoreATenantTheClientWroteIntoTheEvent() throws Exception {
        endpoint.handle(post(event("e-1").put("tenant", "globex"), "acme"));
        endpoint.handle(post(event("e-2").put("tenant", "globex"), null));

        assertThat(published(0).tenant()).isEqualTo("acme");
        assertThat(published(1).tenant()).as("a key without a tenant writes events of no tenant").isNull();
        assertThat(new String(producer.history().get(0).value(), StandardCharsets.UTF_8)).doesNotContain("globex");
    }

    @Test
    void shouldAcceptAnEventWhoseForgedTenantIsMalformed() throws Exception {
        ApiResponse response = endpoint.handle(post(event("e-1").put("tenant", 42), "acme"));

        assertThat(response.status()).isEqualTo(202);
        assertThat(published(0).tenant()).isEqualTo("acme");
    }

    @Test
    void shouldWriteNoTenantThroughTheRouteOfAKeyWithoutOne() throws Exception {
        endpoint.handle(post(event("e-1").put("tenant", "globex"), null));

        assertThat(published(0).tenant()).isNull();
    }

    @Test
    void shouldStampTenantAndSourceInOneStep() throws Exception {
        Event stamped = EventsEndpoint.stamped(codec, event("e-1").put("tenant", "globex"), "http:k", "acme");
        Event ownSource = EventsEndpoint.stamped(codec, event("e-1").put("source", "import"), "http:k", null);

        assertThat(stamped.tenant()).isEqualTo("acme");
        assertThat(stamped.source()).isEqualTo("http:k");
        assertThat(ownSource.tenant()).isNull();
        assertThat(ownSource.source()).isEqualTo("import");
    }
}
