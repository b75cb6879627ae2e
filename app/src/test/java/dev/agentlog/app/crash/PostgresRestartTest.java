package dev.agentlog.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** PostgreSQL restarted in the middle of a run: the sink retries, nothing is lost, nothing doubled. */
class PostgresRestartTest {
    @Test
    void shouldLoseAndDoubleNothingWhenPostgresRestartsMidRun() throws Exception {
        Topics topics = new Topics("pgrestart");
        String schema = "pgrestart";
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, topics, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        List<WorkloadEvent> log = new LettaWorkload(7, 30_000, 20).endingWithDeletes().toList();
        SinkSettings settings = SinkSettings.defaults().withSchema(schema).withGroupId("pgrestart-sink")
                .withBatchMaxEvents(500).withRetry(30, 100, 1_000);

        try (HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(),
                runtime.postgres.password(), 2, "pgrestart");
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            SchemaMigrator.migrate(pool, schema);
            PipelineProbe probe = new PipelineProbe(bootstrap, topics, "unused", pool, schema);
            try (Pipeline sink = new Pipeline(bootstrap, topics, new SimpleMeterRegistry()).startSink(settings, pool, 1)) {
                int half = log.size() / 2;
                send(producer, topics, log.subList(0, half));
                Await.until("the sink to be applying", Duration.ofSeconds(120), () -> probe.count("events"), n -> n > 0);

                runtime.restartPostgres();
                send(producer, topics, log.subList(half, log.size()));

                Await.until("all events applied after the restart", Duration.ofSeconds(300), () -> probe.count("events"),
                        n -> n == log.size());
            }
            LogFold fold = new LogFold();
            EventCodec codec = EventCodec.standard();
            for (ConsumerRecord<byte[], byte[]> record : probe.readAll(topics.events())) {
                fold.apply(codec.decode(record.value()));
            }
            assertThat(fold.state().differencesFrom(ProjectionReader.read(pool, schema), 10)).isEmpty();
            assertThat(Rows.of(pool, "select count(*), count(distinct event_id) from pgrestart.events"))
                    .containsExactly(log.size() + " | " + log.size());
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, List<WorkloadEvent> records) {
        for (WorkloadEvent r : records) {
            producer.send(new ProducerRecord<>(topics.events(), r.streamId().getBytes(StandardCharsets.UTF_8),
                    r.json()));
        }
        producer.flush();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
