package dev.agentlog.app.ui;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.ReadRoutes;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The API as {@code up} serves it ({@link ReadRoutes}: the UI, the query routes, the dead letters, over a real sink,
 * processor, broker and PostgreSQL), under its own topic prefix and schema, with two keys: one that may read, one
 * that may only write.
 */
final class UiFixture implements AutoCloseable {
    static final String READER_KEY = "ui-reader-key-0123456789";
    static final String WRITER_KEY = "ui-writer-key-0123456789";
    static final String KEY_FILE = "reader state:read " + ApiKeys.hash(READER_KEY) + "\nwriter events:write "
            + ApiKeys.hash(WRITER_KEY);

    final String prefix;
    final Topics topics;
    final HikariDataSource pool;
    final PipelineProbe probe;
    private final KafkaReadiness readiness;
    private final Pipeline pipeline;

    UiFixture(String prefix) {
        this.prefix = prefix;
        this.topics = new Topics(prefix);
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4, prefix);
        SchemaMigrator.migrate(pool, prefix);
        TopicAdmin.ensureTopics(bootstrap, topics, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        String applicationId = prefix + "-processor";
        readiness = new KafkaReadiness(bootstrap);
        pipeline = new Pipeline(bootstrap, topics, new SimpleMeterRegistry())
                .startSink(SinkSettings.defaults().withSchema(prefix).withGroupId(prefix + "-sink"), pool, 1)
                .startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve(applicationId))
                        .withApplicationId(applicationId))
                .startIngest(IngestSettings.defaults(ApiKeys.parseKeyFile(KEY_FILE, "test keys")).withPort(0), () -> "",
                        readiness, server -> ReadRoutes.register(server, bootstrap, Map.of(), topics, pool, prefix,
                                EventCodec.standard()));
        probe = new PipelineProbe(bootstrap, topics, applicationId, pool, prefix);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + pipeline.httpPort();
    }

    /** Writes records as they are to a topic (key = stream id), acknowledged: a log of record straight to the sink. */
    void produce(String topic, List<Map.Entry<String, byte[]>> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestRuntime.get().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Map.Entry<String, byte[]> record : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, record.getKey().getBytes(StandardCharsets.UTF_8),
                        record.getValue())));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /** {@code --pg-url ... --pg-schema <prefix>} for the CLI. */
    List<String> pgArgs() {
        TestRuntime runtime = TestRuntime.get();
        return List.of("--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", runtime.postgres.user(), "--pg-password",
                runtime.postgres.password(), "--pg-schema", prefix);
    }

    @Override
    public void close() {
        pipeline.close();
        readiness.close();
        pool.close();
    }
}
