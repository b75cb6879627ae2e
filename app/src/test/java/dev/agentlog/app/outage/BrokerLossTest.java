package dev.agentlog.app.outage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a Kafka cluster of three {@code agentlog broker} processes, topics with three replicas and
 * {@code min.insync.replicas=2}; one broker, the active controller of the quorum, is SIGKILLed while events flow
 * through ingest, processor and sink. Every
 * event ingest acknowledged reaches PostgreSQL once (a request answered 503 while partitions move is sent again, as a
 * client does), and the projections equal the fold of the log.
 */
class BrokerLossTest {
    static final String NAME = "brokerloss";
    static final Topics TOPICS = new Topics(NAME);
    static final String KEY = "brokerloss-key-0123456789abcdef";
    static final int EVENTS = 3_000;
    static final int CHUNK = 100;

    @Test
    void shouldKeepEveryAcknowledgedEventWhenTheBrokerThatIsTheActiveControllerIsKilled() throws Exception {
        TestRuntime runtime = TestRuntime.get(); // its PostgreSQL; the cluster is this test's own
        Path dir = Files.createDirectories(runtime.dataDir.resolve(NAME));
        List<WorkloadEvent> log = new LettaWorkload(16, EVENTS, 10).toList();
        try (ThreeBrokers cluster = ThreeBrokers.start(dir);
             HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(),
                     runtime.postgres.password(), 2, NAME)) {
            String bootstrap = cluster.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L,
                    IngestSettings.DEFAULT_MAX_EVENT_BYTES);
            try (Admin admin = cluster.admin()) {
                for (String topic : List.of(TOPICS.in(), TOPICS.events(), TOPICS.dlq())) {
                    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get()
                            .get(topic);
                    assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                    Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                            topic))).all().get().values().iterator().next();
                    assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
                }
            }
            SchemaMigrator.migrate(pool, NAME);
            PipelineProbe probe = new PipelineProbe(bootstrap, TOPICS, NAME + "-processor", pool, NAME);
            try (KafkaReadiness kafka = new KafkaReadiness(bootstrap);
                 Pipeline pipeline = new Pipeline(bootstrap, TOPICS, new SimpleMeterRegistry())
                         .startSink(SinkSettings.defaults().withSchema(NAME).withGroupId(NAME + "-sink")
                                 .withBatchMaxEvents(500), pool, 1)
                         .startProcessor(ProcessorSettings.defaults(dir.resolve("processor"))
                                 .withApplicationId(NAME + "-processor").withReplicationFactor(3))
                         .startIngest(IngestSettings.defaults(ApiKeys.parse("tester:" + KEY)).withPort(0), () -> "",
                                 kafka, server -> { })
                         .awaitProcessorRunning(Duration.ofSeconds(180))) {
                IngestCalls client = new IngestCalls(pipeline::httpPort, KEY);
                int chunks = EVENTS / CHUNK;
                for (int i = 0; i < chunks; i++) {
                    if (i == chunks / 3) {
                        Await.until("the sink applying before the kill", Duration.ofSeconds(180),
                                () -> probe.count("events"), n -> n > 0);
                        try (Admin admin = cluster.admin()) {
                            cluster.kill(admin.describeMetadataQuorum().quorumInfo().get().leaderId());
                        }
                    }
                    List<WorkloadEvent> chunk = log.subList(i * CHUNK, (i + 1) * CHUNK);
                    // a client re-sends a request Kafka could not take (503) until it is acknowledged
                    Await.until("chunk " + i + " acknowledged", Duration.ofSeconds(180), () -> client.post(chunk),
                            r -> acknowledged(r));
                }
                Await.until("all " + EVENTS + " events applied", Duration.ofSeconds(300), () -> probe.count("events"),
                        n -> n == EVENTS);
            }

            assertThat(Rows.of(pool, "select count(*), count(distinct event_id) from " + NAME + ".events"))
                    .containsExactly(EVENTS + " | " + EVENTS);
            List<ConsumerRecord<byte[], byte[]>> records = probe.readAll(TOPICS.events());
            assertThat(records).hasSize(EVENTS);
            assertThat(PipelineProbe.foldOf(records).differencesFrom(ProjectionReader.read(pool, NAME), 10)).isEmpty();
        }
    }

    private static boolean acknowledged(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isIn(202, 503);
        return response.statusCode() == 202;
    }
}
