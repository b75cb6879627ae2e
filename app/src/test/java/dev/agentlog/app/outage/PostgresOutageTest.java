package dev.agentlog.app.outage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.runtime.LocalPostgres;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: PostgreSQL stopped while events arrive through ingest, and kept down far longer than the sink's old retry
 * budget (ten attempts, each waiting for the pool's connection timeout: here made short, so that the old budget is
 * seconds, not minutes). Ingest goes on acknowledging, {@code /readyz} and the {@code agentlog.ready} gauge say the
 * sink is not ready, and when PostgreSQL is back every acknowledged event arrives once, without restarting anything.
 */
class PostgresOutageTest {
    static final String NAME = "pgoutage";
    static final Topics TOPICS = new Topics(NAME);
    static final String KEY = "pgoutage-key-0123456789abcdef";
    static final int EVENTS = 3_000;
    static final int CHUNK = 250;
    /** Attempts the sink made before it gave up, before issue 16: the outage lasts three times as many. */
    static final int OLD_BUDGET = 10;

    @Test
    void shouldWaitOutAPostgresOutageAndApplyEveryAcknowledgedEventOnceWithoutARestart() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        Path pgDir = runtime.dataDir.resolve(NAME + "-postgres");
        LocalPostgres postgres = LocalPostgres.start(pgDir, 0, null);
        int pgPort = postgres.port();
        List<WorkloadEvent> log = new LettaWorkload(16, EVENTS, 10).toList();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // the worker's setting is the default bound; the back-offs are short so that the old bound came within seconds
        SinkSettings sink = SinkSettings.defaults().withSchema(NAME).withGroupId(NAME + "-sink").withBatchMaxEvents(500)
                .withRetry(SinkSettings.DEFAULT_RETRY_MAX_ATTEMPTS, 20, 200);

        try (HikariDataSource pool = Database.pool(postgres.jdbcUrl(), postgres.user(), postgres.password(), 2, NAME);
             KafkaReadiness kafka = new KafkaReadiness(bootstrap)) {
            pool.setConnectionTimeout(250); // Hikari's least: an attempt against a stopped server fails fast
            SchemaMigrator.migrate(pool, NAME);
            PipelineProbe probe = new PipelineProbe(bootstrap, TOPICS, NAME + "-processor", pool, NAME);
            try (Pipeline pipeline = new Pipeline(bootstrap, TOPICS, registry)
                    .startSink(sink, pool, 1)
                    .startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve(NAME + "-processor"))
                            .withApplicationId(NAME + "-processor"))
                    .startIngest(IngestSettings.defaults(ApiKeys.parse("tester:" + KEY)).withPort(0), () -> "", kafka,
                            server -> { })
                    .awaitProcessorRunning(Duration.ofSeconds(120))) {
                IngestCalls client = new IngestCalls(pipeline::httpPort, KEY);
                int third = EVENTS / 3;
                postAll(client, log.subList(0, third));
                Await.until("the sink applying before the outage", Duration.ofSeconds(180), () -> probe.count("events"),
                        n -> n == third);
                assertThat(client.readyz().statusCode()).isEqualTo(200);

                postgres.close();
                postAll(client, log.subList(third, 2 * third)); // ingest needs Kafka only: still 202
                Await.until("the sink retrying " + 3 * OLD_BUDGET + " times", Duration.ofSeconds(180),
                        () -> registry.get("agentlog.sink.retries").counter().count(), n -> n >= 3 * OLD_BUDGET);
                HttpResponse<String> notReady = Await.until("/readyz to say the sink is not ready",
                        Duration.ofSeconds(60), client::readyz, r -> r.statusCode() == 503);
                assertThat(notReady.body()).contains("sink: PostgreSQL unavailable (");
                assertThat(readyGauge(registry, "sink")).isZero();
                assertThat(readyGauge(registry, "ingest")).isEqualTo(1.0);

                postgres = LocalPostgres.start(pgDir, pgPort, null);
                postAll(client, log.subList(2 * third, EVENTS));
                Await.until("all " + EVENTS + " events applied after the outage", Duration.ofSeconds(180),
                        () -> probe.count("events"), n -> n == EVENTS);
                Await.until("/readyz ready again", Duration.ofSeconds(60), client::readyz, r -> r.statusCode() == 200);
                assertThat(readyGauge(registry, "sink")).isEqualTo(1.0);
            }

            assertThat(Rows.of(pool, "select count(*), count(distinct event_id) from " + NAME + ".events"))
                    .containsExactly(EVENTS + " | " + EVENTS);
            List<ConsumerRecord<byte[], byte[]>> records = probe.readAll(TOPICS.events());
            assertThat(records).hasSize(EVENTS);
            assertThat(PipelineProbe.foldOf(records).differencesFrom(ProjectionReader.read(pool, NAME), 10)).isEmpty();
        } finally {
            postgres.close();
        }
    }

    private static void postAll(IngestCalls client, List<WorkloadEvent> events) throws Exception {
        for (int from = 0; from < events.size(); from += CHUNK) {
            HttpResponse<String> posted = client.post(events.subList(from, Math.min(events.size(), from + CHUNK)));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        }
    }

    static double readyGauge(SimpleMeterRegistry registry, String component) {
        return registry.get("agentlog.ready").tag("component", component).gauge().value();
    }
}
