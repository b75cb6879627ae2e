package dev.agentlog.ingest;

import dev.agentlog.client.EventPublisher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.testing.RawHttp;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Shared test helpers: events as JSON, a Kafka address nobody listens on, an HTTP client. */
final class Fixtures {
    static final String KEY = "test-key-0123456789";
    static final String OTHER_KEY = "other-key-9876543210";
    static final ApiKeys KEYS = ApiKeys.parse("tester:" + KEY + ",other:" + OTHER_KEY);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Fixtures() {}

    /** Small limits and a short publish timeout, so that the 503 path answers fast. */
    static IngestSettings smallSettings() {
        return new IngestSettings("127.0.0.1", 0, KEYS, 4096, 3, 1024, 4, 500, 1);
    }

    /** A server on a free port whose Kafka is Kafka's MockProducer, acknowledging every record at once. */
    static IngestHttpServer startWithMockKafka(IngestSettings settings) {
        return startWithMockKafka(settings, Time.SYSTEM);
    }

    /** As {@link #startWithMockKafka(IngestSettings)}, on a monotonic clock the test steps (the wall clock is the machine's). */
    static IngestHttpServer startWithMockKafka(IngestSettings settings, LongSupplier nanoClock) {
        return startWithMockKafka(settings, Time.of(nanoClock, Time.SYSTEM::currentTimeMillis));
    }

    private static IngestHttpServer startWithMockKafka(IngestSettings settings, Time clock) {
        var producer = new MockProducer<>(true, null,
                new ByteArraySerializer(),
                new ByteArraySerializer());
        EventPublisher publisher = new EventPublisher(producer, "mock:9092", Topics.DEFAULT,
                settings.publisherSettings());
        return new IngestHttpServer(settings, publisher, EventCodec.standard(),
                new SimpleMeterRegistry(), () -> "up 1\n", () -> true, clock).start();
    }

    /**
     * Sends {@code requestLine} (with a Host header) on a new connection until the answer satisfies {@code done}:
     * bounded polling for a state the server reaches on its own threads.
     */
    static RawHttp.Response awaitAnswer(int port, String requestLine, java.util.function.Predicate<RawHttp.Response> done) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        RawHttp.Response last = null;
        while (System.nanoTime() < deadline) {
            try (RawHttp client = RawHttp.connect(port)) {
                last = client.send(RawHttp.request(requestLine + " HTTP/1.1\r\nHost: x", new byte[0])).read();
            }
            if (done.test(last)) {
                return last;
            }
        }
        throw new AssertionError("no answer to " + requestLine + " as expected within 20 s; the last: " + last);
    }

    /** host:port of a local port that was free a moment ago and is closed now: Kafka is not there. */
    static String unreachableKafka() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode validEvent(String eventId) {
        return json("""
            {"event_id":"%s","type":"message.created","schema_version":2,"stream_id":"agent-1",
             "occurred_at":"2026-11-24T10:00:00Z",
             "payload":{"message_id":"message-%s","role":"user","content":[{"type":"text","text":"hi"}]}}"""
                .formatted(eventId, eventId));
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) EventCodec.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String array(JsonNode... events) {
        var array = EventCodec.JSON.createArrayNode();
        for (JsonNode event : events) {
            array.add(event);
        }
        return array.toString();
    }

    static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
    }

    static HttpRequest postEvents(int port, String body, String key) {
        HttpRequest.Builder builder = request(port, "/v1/events").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder.build();
    }

    static Reply send(HttpRequest request) {
        return send(HTTP, request);
    }

    static Reply send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, String body, Map<String, java.util.List<String>> headers) {
        JsonNode json() {
            try {
                return EventCodec.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }
}
