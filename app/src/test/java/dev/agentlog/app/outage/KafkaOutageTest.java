package dev.agentlog.app.outage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the broker ingest writes to stops while clients post. Ingest answers 503 with {@code Retry-After} while
 * Kafka cannot take events, {@code /readyz} and the {@code agentlog.ready} gauge say ingest is not ready, and when the
 * broker is back ingest answers 202 again by itself; every event it acknowledged with a 202 is in Kafka.
 */
class KafkaOutageTest {
    static final String NAME = "kafkaoutage";
    static final Topics TOPICS = new Topics(NAME);
    static final String KEY = "kafkaoutage-key-0123456789abcdef";
    static final int CHUNK = 20;
    static final int RETRY_AFTER_SECONDS = 3;

    private final List<WorkloadEvent> log = new LettaWorkload(16, 4_000, 10).toList();
    private final Set<String> acknowledged = new HashSet<>();
    private int next;

    @Test
    void shouldAnswer503WithRetryAfterWhileKafkaIsDownThen202AgainLosingNothingItAcknowledged() throws Exception {
        Path kafkaDir = TestRuntime.get().dataDir.resolve(NAME + "-kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaDir, 0, 0, 3); // a broker of its own, to stop
        int brokerPort = broker.brokerPort();
        int controllerPort = broker.controllerPort();
        String bootstrap = broker.bootstrapServers();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IngestSettings settings = new IngestSettings(IngestSettings.DEFAULT_HOST, 0, ApiKeys.parse("tester:" + KEY),
                IngestSettings.DEFAULT_MAX_REQUEST_BYTES, IngestSettings.DEFAULT_MAX_EVENTS_PER_REQUEST,
                IngestSettings.DEFAULT_MAX_EVENT_BYTES, IngestSettings.DEFAULT_HTTP_THREADS, 2_000,
                RETRY_AFTER_SECONDS);
        try {
            TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L,
                    IngestSettings.DEFAULT_MAX_EVENT_BYTES);
            try (KafkaReadiness kafka = new KafkaReadiness(bootstrap);
                 Pipeline pipeline = new Pipeline(bootstrap, TOPICS, registry)
                         .startIngest(settings, () -> "", kafka, server -> { })) {
                IngestCalls client = new IngestCalls(pipeline::httpPort, KEY);
                assertThat(postNext(client).statusCode()).isEqualTo(202);
                assertThat(client.readyz().statusCode()).isEqualTo(200);

                broker.close();
                HttpResponse<String> refused = Await.until("a 503 while Kafka is down", Duration.ofSeconds(120),
                        () -> postNext(client), r -> r.statusCode() == 503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue(
                        Integer.toString(RETRY_AFTER_SECONDS));
                assertThat(refused.body()).contains("Kafka cannot take events now");
                HttpResponse<String> notReady = client.readyz();
                assertThat(notReady.statusCode()).isEqualTo(503);
                assertThat(notReady.body()).contains("ingest: Kafka cannot take events");
                assertThat(PostgresOutageTest.readyGauge(registry, "ingest")).isZero();

                broker = EmbeddedKafkaBroker.start(kafkaDir, brokerPort, controllerPort, 3);
                Await.until("a 202 after Kafka is back", Duration.ofSeconds(120), () -> postNext(client),
                        r -> r.statusCode() == 202);
                assertThat(postNext(client).statusCode()).isEqualTo(202);
                Await.until("/readyz ready again", Duration.ofSeconds(60), client::readyz,
                        r -> r.statusCode() == 200);
                assertThat(PostgresOutageTest.readyGauge(registry, "ingest")).isEqualTo(1.0);
            }

            Set<String> inKafka = new HashSet<>();
            EventCodec codec = EventCodec.standard();
            for (ConsumerRecord<byte[], byte[]> record : new PipelineProbe(bootstrap, TOPICS, "unused", null, NAME)
                    .readAll(TOPICS.in())) {
                inKafka.add(codec.decode(record.value()).eventId());
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(3 * CHUNK);
            assertThat(inKafka).containsAll(acknowledged);
        } finally {
            broker.close();
        }
    }

    /** Posts the next chunk of the workload; the events of a 202 are acknowledged, those of a 503 are not. */
    private HttpResponse<String> postNext(IngestCalls client) throws Exception {
        List<WorkloadEvent> chunk = log.subList(next, next + CHUNK);
        next += CHUNK;
        HttpResponse<String> posted = client.post(chunk);
        assertThat(posted.statusCode()).as(posted.body()).isIn(202, 503);
        if (posted.statusCode() == 202) {
            for (WorkloadEvent e : chunk) {
                acknowledged.add(EventCodec.standard().decode(e.json()).eventId());
            }
        }
        return posted;
    }
}
