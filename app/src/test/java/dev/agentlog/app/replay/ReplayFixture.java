package dev.agentlog.app.replay;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.query.QueryRoutes;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The real pipeline (ingest with the query routes, processor, one sink worker) on the test JVM's broker and
 * PostgreSQL, under its own topic prefix and schema; and the CLI arguments that point at them.
 */
final class ReplayFixture implements AutoCloseable {
    static final String KEY = "replay-secret-key";
    static final String GROUP = "replay-sink";

    final String prefix;
    final String schema;
    final Topics topics;
    final HikariDataSource pool;
    final Pipeline pipeline;
    final PipelineProbe probe;
    final EventPublisher publisher;
    private final KafkaReadiness readiness;
    private final HttpClient http = HttpClient.newHttpClient();

    ReplayFixture(String prefix, String schema) throws Exception {
        this(prefix, schema, null);
    }

    /** With {@code kekFile}, the pipeline seals personal fields with that key-encryption key (docs/privacy.md). */
    ReplayFixture(String prefix, String schema, java.nio.file.Path kekFile) throws Exception {
        this(prefix, schema, kekFile, true);
    }

    /** @param withSink false: no sink in the pipeline (the test runs its own, to stop and start it) */
    ReplayFixture(String prefix, String schema, java.nio.file.Path kekFile, boolean withSink) throws Exception {
        this.prefix = prefix;
        this.schema = schema;
        this.topics = new Topics(prefix);
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4, prefix);
        SchemaMigrator.migrate(pool, schema);
        TopicAdmin.ensureTopics(bootstrap, topics, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        String applicationId = prefix + "-processor";
        readiness = new KafkaReadiness(bootstrap);
        EventCodec codec = kekFile == null ? EventCodec.standard() : new dev.agentlog.privacy.PayloadCipher(
                new dev.agentlog.privacy.SubjectKeys(pool, schema, dev.agentlog.privacy.KeyEncryptionKey.load(kekFile),
                        dev.agentlog.support.time.Time.SYSTEM)).codec();
        pipeline = new Pipeline(bootstrap, topics, new SimpleMeterRegistry()).withCodec(codec);
        if (withSink) {
            pipeline.startSink(SinkSettings.defaults().withSchema(schema).withGroupId(GROUP), pool, 1);
        }
        pipeline.startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve(applicationId))
                        .withApplicationId(applicationId))
                .startIngest(IngestSettings.defaults(ApiKeys.parse("tester:" + KEY)).withPort(0), () -> "", readiness,
                        server -> QueryRoutes.register(server, pool, schema, codec));
        probe = new PipelineProbe(bootstrap, topics, applicationId, pool, schema);
        publisher = new EventPublisher(bootstrap, topics, PublisherSettings.DEFAULT, Map.of());
    }

    /** Sends the events (JSON objects) to the input topic, acknowledged. */
    void publish(List<String> events) {
        EventCodec codec = EventCodec.standard();
        List<Event> decoded = new ArrayList<>();
        for (String json : events) {
            try {
                decoded.add(codec.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new IllegalArgumentException("bad test event " + json, e);
            }
        }
        CompletableFuture.allOf(publisher.publishAll(decoded).toArray(CompletableFuture[]::new)).join();
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + pathAndQuery))
                .header("Authorization", "Bearer " + KEY).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code --pg-url ... --pg-schema <schema>} (and the Kafka options) for the CLI. */
    List<String> pgArgs() {
        TestRuntime runtime = TestRuntime.get();
        return List.of("--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", runtime.postgres.user(), "--pg-password",
                runtime.postgres.password(), "--pg-schema", schema);
    }

    List<String> kafkaArgs() {
        return List.of("--bootstrap-servers", TestRuntime.get().bootstrapServers(), "--topic-prefix", prefix);
    }

    /** A command with the PostgreSQL options, and the Kafka ones when {@code withKafka}. */
    String[] args(String command, List<String> extra, boolean withKafka) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.addAll(extra);
        all.addAll(pgArgs());
        if (withKafka) {
            all.addAll(kafkaArgs());
        }
        return all.toArray(String[]::new);
    }

    /** A command with the Kafka options only. */
    String[] kafkaOnlyArgs(String command, List<String> extra) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.addAll(extra);
        all.addAll(kafkaArgs());
        return all.toArray(String[]::new);
    }

    @Override
    public void close() {
        publisher.close();
        pipeline.close();
        readiness.close();
        pool.close();
    }
}
