package dev.agentlog.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline against a real in-process Kafka broker and a real PostgreSQL: HTTP in, processor,
 * sink, rows out. The turn posted is the README's example, so the example is tested too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {
    static final String SCHEMA = "e2e";
    static final Topics TOPICS = new Topics("e2e");
    static final String KEY = "e2e-secret-key";
    static final Path LETTA_TURN = Path.of("..", "docs", "examples", "letta-turn.json");
    static final String A = "agent-3f1c9a0e-2b1d-4c55-9d1e-8f0a6b2c7d11";
    static final String BH = "block-11111111-1111-4111-8111-111111111111";
    static final String BP = "block-22222222-2222-4222-8222-222222222222";
    static final String AR = "archive-33333333-3333-4333-8333-333333333333";

    static HikariDataSource pool;
    static Pipeline pipeline;
    static KafkaReadiness readiness;
    static PipelineProbe probe;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPipeline() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4, "e2e");
        SchemaMigrator.migrate(pool, SCHEMA);
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        ProcessorSettings processorSettings = ProcessorSettings.defaults(runtime.dataDir.resolve("e2e-processor"))
                .withApplicationId("e2e-processor");
        readiness = new KafkaReadiness(bootstrap);
        pipeline = new Pipeline(bootstrap, TOPICS, new SimpleMeterRegistry())
                .startSink(SinkSettings.defaults().withSchema(SCHEMA).withGroupId("e2e-sink"), pool, 1)
                .startProcessor(processorSettings)
                .startIngest(IngestSettings.defaults(ApiKeys.parse("tester:" + KEY)).withPort(0), () -> "", readiness,
                        server -> { });
        probe = new PipelineProbe(bootstrap, TOPICS, "e2e-processor", pool, SCHEMA);
    }

    @AfterAll
    static void stopPipeline() {
        pipeline.close();
        readiness.close();
        pool.close();
    }

    static HttpResponse<String> post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/v1/events"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void shouldLandALettaTurnInEveryProjectionTable() throws Exception {
        HttpResponse<String> response = post(Files.readString(LETTA_TURN));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(EventCodec.JSON.readTree(response.body()).get("accepted").asInt()).isEqualTo(20);
        probe.awaitDrained();

        assertThat(probe.count("events")).isEqualTo(20);
        assertThat(Rows.of(pool, "select stream_id, min(stream_seq), max(stream_seq), count(*) from e2e.events group by stream_id order by stream_id"))
                .containsExactly(A + " | 1 | 15 | 15", AR + " | 1 | 2 | 2", BH + " | 1 | 2 | 2", BP + " | 1 | 1 | 1");
        assertThat(Rows.of(pool, "select source, schema_version from e2e.events where type = 'message.created' limit 1"))
                .containsExactly("http:tester | 2");
        assertThat(Rows.of(pool, "select agent_id, name, agent_type, system, description, deleted_at from e2e.agents"))
                .containsExactly(A + " | sam | memgpt_v2_agent | You are Sam, a helpful assistant. | demo agent (tea drinker's assistant) | null");
        assertThat(Rows.of(pool, "select message_id, agent_id, role, (tool_calls is not null)::text from e2e.messages order by message_id"))
                .containsExactly(
                        m(0) + " | " + A + " | system | false",
                        m(1) + " | " + A + " | user | false",
                        m(2) + " | " + A + " | assistant | true",
                        m(3) + " | " + A + " | tool | false",
                        m(4) + " | " + A + " | assistant | false",
                        m(5) + " | " + A + " | summary | false");
        assertThat(Rows.of(pool, "select content->0->>'text' from e2e.messages where message_id = '" + m(0) + "'").get(0))
                .contains("Prefers tea.");
        assertThat(Rows.of(pool, "select agent_id, position, message_id from e2e.agent_context order by position"))
                .containsExactly(A + " | 0 | " + m(0), A + " | 1 | " + m(5), A + " | 2 | " + m(4));
        assertThat(Rows.of(pool, "select block_id, label, value, version, deleted_at from e2e.blocks order by block_id"))
                .containsExactly(BH + " | human | Name: Ada\nPrefers tea. | 2 | null", BP + " | persona | I am Sam. | 1 | null");
        assertThat(Rows.of(pool, "select block_id, version, value from e2e.block_versions order by block_id, version"))
                .containsExactly(BH + " | 1 | Name: Ada", BH + " | 2 | Name: Ada\nPrefers tea.", BP + " | 1 | I am Sam.");
        assertThat(Rows.of(pool, "select agent_id, block_id, label from e2e.agent_blocks order by label"))
                .containsExactly(A + " | " + BH + " | human", A + " | " + BP + " | persona");
        assertThat(Rows.of(pool, "select archive_id, name from e2e.archives")).containsExactly(AR + " | sam-archive");
        assertThat(Rows.of(pool, "select agent_id, archive_id from e2e.agent_archives")).containsExactly(A + " | " + AR);
        assertThat(Rows.of(pool, "select passage_id, archive_id, text, tags::text, embedding::text from e2e.passages"))
                .containsExactly("passage-44444444-4444-4444-8444-444444444444 | " + AR
                        + " | Ada prefers tea over coffee. | [\"preferences\"] | {0.12,-0.03,0.5,0}");
        assertThat(probe.count("sink_offsets")).isPositive();
    }

    @Test
    @Order(2)
    void shouldChangeNothingWhenTheSameBatchIsSentTwice() throws Exception {
        List<String> before = snapshot();

        HttpResponse<String> response = post(Files.readString(LETTA_TURN));

        assertThat(response.statusCode()).isEqualTo(202);
        probe.awaitDrained();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(probe.count("events")).isEqualTo(20);
    }

    @Test
    @Order(3)
    void shouldSendAMalformedEventToTheDeadLetterTopicAndLandTheEventsAroundIt() throws Exception {
        String good1 = event("ee000000-0000-4000-8000-000000000001", "agent-dlq-1", "agent.created", "{\"name\":\"before\"}");
        byte[] malformed = "{\"event_id\":\"ee000000-0000-4000-8000-000000000002\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\"agent-dlq-1\",\"occurred_at\":\"2026-11-24T11:00:00Z\",\"payload\":{\"role\":\"user\"}}"
                .getBytes(StandardCharsets.UTF_8);
        String good2 = event("ee000000-0000-4000-8000-000000000003", "agent-dlq-1", "agent.updated", "{\"name\":\"after\"}");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestRuntime.get().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = "agent-dlq-1".getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(TOPICS.in(), key, good1.getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(TOPICS.in(), key, malformed)).get();
            producer.send(new ProducerRecord<>(TOPICS.in(), key, good2.getBytes(StandardCharsets.UTF_8))).get();
        }

        probe.awaitDrained();

        assertThat(Rows.of(pool, "select name from e2e.agents where agent_id = 'agent-dlq-1'")).containsExactly("after");
        List<ConsumerRecord<byte[], byte[]>> dead = probe.readAll(TOPICS.dlq());
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(malformed);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("agent-dlq-1");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo("invalid");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.RULE)).contains("payload.message_id: is required");
        assertThat(Rows.of(pool, "select stream_seq, type from e2e.events where stream_id = 'agent-dlq-1' order by stream_seq"))
                .containsExactly("1 | agent.created", "2 | agent.updated");
    }

    @Test
    @Order(4)
    void shouldReplayAFixedDeadLetterSoThatItLandsInPostgres() throws Exception {
        CliRun list = CliRun.of("dlq", "list", "--bootstrap-servers", TestRuntime.get().bootstrapServers(),
                "--topic-prefix", "e2e", "--reason", "invalid", "--stream", "agent-dlq-1");
        assertThat(list.exitCode()).as(list.err()).isZero();
        String[] lines = list.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        com.fasterxml.jackson.databind.node.ObjectNode line =
                (com.fasterxml.jackson.databind.node.ObjectNode) EventCodec.JSON.readTree(lines[0]);
        assertThat(line.get("reason").asText()).isEqualTo("invalid");
        com.fasterxml.jackson.databind.node.ObjectNode value =
                (com.fasterxml.jackson.databind.node.ObjectNode) EventCodec.JSON.readTree(line.get("value").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) value.get("payload")).put("message_id", "message-fixed-1");
        line.put("value", value.toString());
        Path fixed = Files.createTempFile("fixed", ".jsonl");
        Files.writeString(fixed, line + "\n");

        CliRun replay = CliRun.of("dlq", "replay", "--bootstrap-servers", TestRuntime.get().bootstrapServers(),
                "--topic-prefix", "e2e", "--file", fixed.toString());

        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replayed 1 record(s) to e2e.events.in");
        probe.awaitDrained();
        assertThat(Rows.of(pool, "select message_id, agent_id, role from e2e.messages where agent_id = 'agent-dlq-1'"))
                .containsExactly("message-fixed-1 | agent-dlq-1 | user");
    }

    static String event(String id, String stream, String type, String payload) {
        return "{\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"schema_version\":1,\"stream_id\":\"" + stream
                + "\",\"occurred_at\":\"2026-11-24T11:00:00Z\",\"payload\":" + payload + "}";
    }

    static String m(int n) {
        return "message-9a7b6c5d-0000-4000-8000-%012d".formatted(n);
    }

    static List<String> snapshot() throws Exception {
        List<String> all = new java.util.ArrayList<>();
        for (Map.Entry<String, String> table : Map.of(
                "agents", "agent_id", "messages", "message_id", "agent_context", "agent_id, position",
                "blocks", "block_id", "block_versions", "block_id, version", "agent_blocks", "agent_id, block_id",
                "archives", "archive_id", "agent_archives", "agent_id, archive_id", "passages", "passage_id",
                "events", "event_id").entrySet()) {
            Rows.of(pool, "select t::text from e2e." + table.getKey() + " t order by " + table.getValue())
                    .forEach(row -> all.add(table.getKey() + ": " + row));
        }
        java.util.Collections.sort(all);
        return all;
    }
}
