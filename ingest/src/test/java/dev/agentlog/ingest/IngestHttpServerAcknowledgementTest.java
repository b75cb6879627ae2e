package dev.agentlog.ingest;

import dev.agentlog.client.EventPublisher;

import static dev.agentlog.ingest.Fixtures.KEY;
import static dev.agentlog.ingest.Fixtures.OTHER_KEY;
import static dev.agentlog.ingest.Fixtures.array;
import static dev.agentlog.ingest.Fixtures.postEvents;
import static dev.agentlog.ingest.Fixtures.send;
import static dev.agentlog.ingest.Fixtures.validEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.Fixtures.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the server answers once Kafka has (or has not) acknowledged, with Kafka's own MockProducer standing
 * in for a broker this module cannot run; the app module runs the same path against a real broker.
 */
class IngestHttpServerAcknowledgementTest {
    private final EventCodec codec = EventCodec.standard();
    private MockProducer<byte[], byte[]> producer;
    private IngestHttpServer server;

    private int start(boolean autoComplete) {
        producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        IngestSettings settings = Fixtures.smallSettings();
        EventPublisher publisher = new EventPublisher(producer, "mock:9092", Topics.DEFAULT, settings.publisherSettings());
        server = new IngestHttpServer(settings, publisher, codec, new SimpleMeterRegistry(), () -> "", () -> true).start();
        return server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldAnswer202WithPartitionAndOffsetOnceEveryEventIsAcknowledged() throws Exception {
        int port = start(true);

        Reply reply = send(postEvents(port, array(validEvent("e-1"), validEvent("e-2")), KEY));

        assertThat(reply.status()).isEqualTo(202);
        JsonNode body = reply.json();
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("refused").asInt()).isZero();
        assertThat(body.has("error")).isFalse();
        assertThat(body.get("results").get(1).get("event_id").asText()).isEqualTo("e-2");
        assertThat(body.get("results").get(1).get("status").asText()).isEqualTo("accepted");
        assertThat(body.get("results").get(1).get("partition").asInt()).isZero();
        assertThat(body.get("results").get(1).get("offset").asLong()).isEqualTo(1);
        assertThat(producer.history()).hasSize(2);
        Event published = codec.decode(producer.history().get(0).value());
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("agent-1");
        assertThat(published.eventId()).isEqualTo("e-1");
        assertThat(published.source()).isEqualTo("http:tester");
    }

    @Test
    void shouldKeepTheSourceAnEventBringsAndNameTheKeyOtherwise() throws Exception {
        int port = start(true);

        send(postEvents(port, array(validEvent("e-1").put("source", "import"), validEvent("e-2")), OTHER_KEY));

        assertThat(codec.decode(producer.history().get(0).value()).source()).isEqualTo("import");
        assertThat(codec.decode(producer.history().get(1).value()).source()).isEqualTo("http:other");
    }

    @Test
    void shouldTakeTheValidEventsOfAMixedBatchAndAnswer400ListingBoth() {
        int port = start(true);

        Reply reply = send(postEvents(port, array(validEvent("e-1"), validEvent("e-2").put("stream_id", ""),
                validEvent("e-3")), KEY));

        assertThat(reply.status()).isEqualTo(400);
        JsonNode body = reply.json();
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("refused").asInt()).isEqualTo(1);
        assertThat(body.get("error").asText()).isEqualTo("1 of 3 events refused, 2 accepted: [1].stream_id: must not be empty");
        assertThat(body.get("results")).extracting(r -> r.get("status").asText())
                .containsExactly("accepted", "refused", "accepted");
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void shouldReportOnlyAcknowledgedEventsAsAcceptedWhenKafkaTimesOutOnTheRest() throws Exception {
        int port = start(false);
        CompletableFuture<HttpResponse<String>> pending = Fixtures.HTTP.sendAsync(
                postEvents(port, array(validEvent("e-1"), validEvent("e-2")), KEY), HttpResponse.BodyHandlers.ofString());
        awaitSent(2);

        producer.completeNext();
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for agentlog.events.in-0"));
        HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        JsonNode body = EventCodec.JSON.readTree(response.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(1);
        assertThat(body.get("results")).extracting(r -> r.get("status").asText()).containsExactly("accepted", "unavailable");
    }

    @Test
    void shouldRefuseAnEventTheBrokerFindsTooLargeWith413() throws Exception {
        int port = start(false);
        CompletableFuture<HttpResponse<String>> pending = Fixtures.HTTP.sendAsync(
                postEvents(port, validEvent("e-1").toString(), KEY), HttpResponse.BodyHandlers.ofString());
        awaitSent(1);

        producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes when serialized"));
        HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(EventCodec.JSON.readTree(response.body()).get("results").get(0).get("errors").get(0).get("rule").asText())
                .contains("larger than Kafka accepts on topic agentlog.events.in");
    }

    /** Bounded polling until the server has handed {@code count} records to the producer. */
    private void awaitSent(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.history().size() < count) {
            assertThat(System.nanoTime()).as("records sent before the deadline").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
