package dev.agentlog.ingest;

import dev.agentlog.client.EventPublisher;

import static dev.agentlog.ingest.Fixtures.KEY;
import static dev.agentlog.ingest.Fixtures.array;
import static dev.agentlog.ingest.Fixtures.postEvents;
import static dev.agentlog.ingest.Fixtures.request;
import static dev.agentlog.ingest.Fixtures.send;
import static dev.agentlog.ingest.Fixtures.validEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.RuleCode;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.Fixtures.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP contract against the real server on a free port, with a real KafkaProducer pointed at a closed
 * port: everything up to publishing, and the 503 when Kafka cannot take the events. (202 is covered with
 * Kafka's MockProducer here and end to end against a real broker in the app module.)
 */
class IngestHttpServerTest {
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static final AtomicBoolean KAFKA_READY = new AtomicBoolean(true);
    private static EventPublisher publisher;
    private static IngestHttpServer server;
    private static int port;

    @BeforeAll
    static void startServer() {
        IngestSettings settings = Fixtures.smallSettings();
        publisher = new EventPublisher(Fixtures.unreachableKafka(), Topics.DEFAULT, settings.publisherSettings(),
                java.util.Map.of());
        server = new IngestHttpServer(settings, publisher, EventCodec.standard(), REGISTRY,
                () -> "# HELP up 1\nup 1\n", KAFKA_READY::get);
        server.route("GET", "/v1/agents/", Scope.STATE_READ, request -> {
            ObjectNode body = EventCodec.JSON.createObjectNode();
            body.put("agent", request.pathAfter("/v1/agents/"));
            body.put("at", request.queryParam("at").orElse(null));
            body.put("key", request.keyName());
            return ApiResponse.ok(body);
        });
        server.publicRoute("GET", "/public", request -> ApiResponse.ok(EventCodec.JSON.createObjectNode().put("open", true)));
        server.start();
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        publisher.close();
    }

    private static Reply post(String body) {
        return send(postEvents(port, body, KEY));
    }

    private static ObjectNode withEdit(String id, Consumer<ObjectNode> edit) {
        ObjectNode event = validEvent(id);
        edit.accept(event);
        return event;
    }

    @Test
    void shouldAnswerHealthzWhileRunning() {
        Reply reply = send(request(port, "/healthz").GET().build());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("status").asText()).isEqualTo("ok");
        assertThat(reply.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    }

    @Test
    void shouldAnswerReadyzFromTheReadinessCheckAndIngestsOwnComponent() {
        KAFKA_READY.set(false);
        try {
            Reply notReady = send(request(port, "/readyz").GET().build());
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.json().get("error").asText()).startsWith("Kafka is not reachable");
        } finally {
            KAFKA_READY.set(true);
        }
        // this server's Kafka never answers: a post is refused with 503, and ingest is not ready from then on
        assertThat(post(validEvent("e-ready").toString()).status()).isEqualTo(503);

        Reply notReady = send(request(port, "/readyz").GET().build());
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.json().get("error").asText()).isEqualTo("ingest: Kafka cannot take events (not acknowledged"
                + " within 500 ms); requests are answered 503 with Retry-After");
    }

    @Test
    void shouldServeTheMetricsScrapeAsPrometheusTextToAKeyWithMetricsRead() {
        Reply reply = send(request(port, "/metrics").header("Authorization", "Bearer " + KEY).GET().build());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(reply.body()).isEqualTo("# HELP up 1\nup 1\n");
    }

    @Test
    void shouldAnswer401WithoutAKey() {
        Reply reply = send(postEvents(port, validEvent("e-1").toString(), null));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(reply.json().get("error").asText()).contains("Authorization: Bearer <key>");
        assertThat(REGISTRY.get("agentlog.ingest.http.requests").tag("route", "/v1/events").tag("status", "401")
                .timer().count()).isPositive();
    }

    @Test
    void shouldAnswer401ForAWrongKeyWithoutEchoingIt() {
        Reply reply = send(postEvents(port, validEvent("e-1").toString(), "wrong-key-abcdef"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(reply.body()).contains("unknown API key").doesNotContain("wrong-key-abcdef");
    }

    @Test
    void shouldAnswer401ForAnAuthorizationThatIsNotBearer() {
        HttpRequest basic = request(port, "/v1/events").header("Authorization", "Basic dXNlcjpwYXNz")
                .POST(HttpRequest.BodyPublishers.ofString(validEvent("e-1").toString())).build();

        assertThat(send(basic).status()).isEqualTo(401);
    }

    @Test
    void shouldAnswer400NamingTheProblemForInvalidJson() {
        Reply reply = post("{\"event_id\": ");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).startsWith("$: is not valid JSON");
        assertThat(reply.json().get("errors").get(0).get("field").asText()).isEqualTo("$");
    }

    @Test
    void shouldAnswer400ForABodyThatIsNeitherAnObjectNorAnArray() {
        assertThat(post("42").json().get("error").asText())
                .isEqualTo("$: must be an event object or an array of event objects, was number");
        assertThat(post("[]").json().get("error").asText())
                .isEqualTo("$: must hold at least one event, was an empty array");
    }

    static Stream<Arguments> invalidEvents() {
        return Stream.of(
                Arguments.of(withEdit("e-1", e -> e.remove("event_id")), "event_id", "is required"),
                Arguments.of(withEdit("e-1", e -> e.put("stream_id", "")), "stream_id", "must not be empty"),
                Arguments.of(withEdit("e-1", e -> e.put("type", "message.exploded")), "type",
                        "unknown event type 'message.exploded'"),
                Arguments.of(withEdit("e-1", e -> e.put("schema_version", 0)), "schema_version", "must be >= 1, was 0"),
                Arguments.of(withEdit("e-1", e -> e.put("occurred_at", "yesterday")), "occurred_at",
                        "must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z, was 'yesterday'"),
                Arguments.of(withEdit("e-1", e -> e.put("stream", "agent-1")), "stream",
                        "is not an envelope field (payload fields go inside payload)"),
                Arguments.of(withEdit("e-1", e -> e.remove("payload")), "payload", "is required"),
                Arguments.of(withEdit("e-1", e -> ((ObjectNode) e.get("payload")).remove("message_id")),
                        "payload.message_id", "is required"),
                Arguments.of(withEdit("e-1", e -> ((ObjectNode) e.get("payload")).put("role", "robot")),
                        "payload.role", "must be one of approval, assistant, function, summary, system, tool, user, was 'robot'"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("invalidEvents")
    void shouldAnswer400WithFieldAndRuleForAnInvalidEvent(ObjectNode event, String field, String rule) {
        Reply reply = post(event.toString());

        assertThat(reply.status()).isEqualTo(400);
        JsonNode body = reply.json();
        assertThat(body.get("accepted").asInt()).isZero();
        assertThat(body.get("refused").asInt()).isEqualTo(1);
        assertThat(body.get("error").asText()).contains(field + ": " + rule).doesNotContain("[0]");
        JsonNode result = body.get("results").get(0);
        assertThat(result.get("status").asText()).isEqualTo("refused");
        assertThat(result.get("errors").get(0).get("field").asText()).isEqualTo(field);
        assertThat(RuleCode.fromWireName(result.get("errors").get(0).get("code").asText())).as("a rule code").isPresent();
        assertThat(result.get("errors").get(0).get("rule").asText()).isEqualTo(rule);
    }

    @Test
    void shouldNameTheIndexOfEachRefusedEventOfABatch() {
        ObjectNode noStream = withEdit("e-1", e -> e.put("stream_id", ""));
        ObjectNode noMessageId = withEdit("e-2", e -> ((ObjectNode) e.get("payload")).remove("message_id"));

        Reply reply = post(array(noStream, noMessageId));

        assertThat(reply.status()).isEqualTo(400);
        JsonNode body = reply.json();
        assertThat(body.get("error").asText())
                .isEqualTo("2 of 2 events refused, 0 accepted: [0].stream_id: must not be empty; "
                        + "[1].payload.message_id: is required");
        assertThat(body.get("results").get(1).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("results").get(1).get("event_id").asText()).isEqualTo("e-2");
        assertThat(body.get("results").get(1).get("errors").get(0).get("field").asText()).isEqualTo("payload.message_id");
    }

    @Test
    void shouldAnswer413ForMoreEventsThanAllowed() {
        Reply reply = post(array(validEvent("e-1"), validEvent("e-2"), validEvent("e-3"), validEvent("e-4")));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("error").asText())
                .contains("4 events, more than 3 (--max-events-per-request)");
    }

    @Test
    void shouldAnswer413ForADeclaredLengthOverTheLimitBeforeReadingTheBody() {
        String body = array(withEdit("e-1", e -> e.put("actor", "a".repeat(5000))));

        Reply reply = post(body);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("error").asText()).contains("more than 4096 (--max-request-bytes)");
    }

    @Test
    void shouldAnswer413ForAChunkedBodyThatGrowsOverTheLimit() {
        byte[] body = array(withEdit("e-1", e -> e.put("actor", "a".repeat(10_000)))).getBytes();
        HttpRequest chunked = request(port, "/v1/events").header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();

        Reply reply = send(chunked);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().get("error").asText()).contains("more than 4096 bytes (--max-request-bytes)");
    }

    @Test
    void shouldAnswer413ForASingleEventOverTheEventLimit() {
        Reply reply = post(withEdit("e-big", e -> e.put("actor", "a".repeat(1500))).toString());

        assertThat(reply.status()).isEqualTo(413);
        JsonNode result = reply.json().get("results").get(0);
        assertThat(result.get("status").asText()).isEqualTo("refused");
        assertThat(result.get("errors").get(0).get("field").asText()).isEqualTo("$");
        assertThat(result.get("errors").get(0).get("code").asText()).isEqualTo("too_large");
        assertThat(result.get("errors").get(0).get("rule").asText()).contains("over the limit of 1024 bytes (--max-event-bytes)");
    }

    @Test
    void shouldAnswer400WhenATooLargeEventSitsBesideAnInvalidOne() {
        Reply reply = post(array(withEdit("e-big", e -> e.put("actor", "a".repeat(1500))),
                withEdit("e-2", e -> e.remove("type"))));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).contains("[0]: is ", "[1].type: is required");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaCannotTakeTheEvents() {
        Reply reply = post(array(validEvent("e-1"), validEvent("e-2")));

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("Retry-After")).isEqualTo("1");
        JsonNode body = reply.json();
        assertThat(body.get("accepted").asInt()).isZero();
        assertThat(body.get("error").asText()).startsWith("Kafka cannot take events now: 2 of 2 not acknowledged");
        assertThat(body.get("results")).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("unavailable");
            assertThat(r.has("offset")).isFalse();
        });
        assertThat(REGISTRY.get("agentlog.ingest.events.unacknowledged").tag("reason", "kafka_unavailable")
                .counter().count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldAnswer405ForAKnownPathWithAnotherMethod() {
        Reply reply = send(request(port, "/v1/events").GET().header("Authorization", "Bearer " + KEY).build());

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.header("Allow")).isEqualTo("POST");
    }

    @Test
    void shouldAnswer404ForAnUnknownPath() {
        Reply reply = send(request(port, "/v2/nothing").GET().build());

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("error").asText()).contains("no route for GET /v2/nothing", "POST /v1/events");
    }

    @Test
    void shouldAnswer415ForANonJsonContentType() {
        HttpRequest form = request(port, "/v1/events").header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(validEvent("e-1").toString())).build();

        Reply reply = send(form);

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.json().get("error").asText()).contains("Content-Type must be application/json");
    }

    @Test
    void shouldServeAnAddedRouteWithTheKeyNameAndTheQueryKeepingPlusSigns() {
        Reply reply = send(request(port, "/v1/agents/agent-1?at=2026-01-31T12:00:00+02:00")
                .header("Authorization", "Bearer " + KEY).GET().build());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("agent").asText()).isEqualTo("agent-1");
        assertThat(reply.json().get("at").asText()).isEqualTo("2026-01-31T12:00:00+02:00");
        assertThat(reply.json().get("key").asText()).isEqualTo("tester");
    }

    @Test
    void shouldRequireAKeyOnAnAddedRouteButNotOnAPublicOne() {
        assertThat(send(request(port, "/v1/agents/agent-1").GET().build()).status()).isEqualTo(401);
        assertThat(send(request(port, "/public").GET().build()).status()).isEqualTo(200);
    }
}
