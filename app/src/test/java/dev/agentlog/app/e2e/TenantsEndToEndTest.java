package dev.agentlog.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.query.QueryRoutes;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.client.AgentlogClient;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.replay.KafkaLogSource;
import dev.agentlog.sink.replay.Verifier;
import dev.agentlog.sink.replay.VerifyReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two tenants on the real pipeline (real broker, real PostgreSQL): each writes its own agent through a Java
 * client configured with its tenant; one tenant's event on the other's agent, and one without a tenant, land in
 * the dead-letter topic with reason {@code tenant}; the rows carry the tenant; the query API, with each key's
 * tenant, answers a tenant only about its own agents, blocks and archives; verify compares the tenant; and a
 * stream's owner survives a processor restart whose local state was wiped (restored from the changelog).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantsEndToEndTest {
    static final String SCHEMA = "tn";
    static final Topics TOPICS = new Topics("tn");
    static final String PROCESSOR_ID = "tn-processor";
    static final String GROUP = "tn-sink";
    static final Map<String, String> KEYS = Map.of("acme", "tn-acme-key-0123456789", "globex", "tn-globex-key-0123456789",
            "ops", "tn-ops-key-0123456789");
    /** The key file ingest reads: the acme and globex keys carry their tenant, ops has none. */
    static final String KEY_FILE = KEYS.entrySet().stream().map(e -> e.getKey() + " events:write,state:read "
            + ApiKeys.hash(e.getValue()) + (e.getKey().equals("ops") ? "" : " tenant=" + e.getKey()))
            .collect(java.util.stream.Collectors.joining("\n"));
    static final String ACME_AGENT = "agent-tn-acme";
    static final String GLOBEX_AGENT = "agent-tn-globex";
    static final String ACME_BLOCK = "block-tn-acme";
    static final String ACME_ARCHIVE = "archive-tn-acme";
    static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");
    static final AtomicInteger SECONDS = new AtomicInteger();

    static HikariDataSource pool;
    static Pipeline pipeline;
    static Pipeline processor;
    static KafkaReadiness readiness;
    static PipelineProbe probe;
    static AgentlogClient acme;
    static AgentlogClient globex;
    static AgentlogClient noTenant;
    static final HttpClient http = HttpClient.newHttpClient();
    static final EventCodec codec = EventCodec.standard();

    @BeforeAll
    static void startPipeline() {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4, "tn");
        SchemaMigrator.migrate(pool, SCHEMA);
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        readiness = new KafkaReadiness(bootstrap);
        pipeline = new Pipeline(bootstrap, TOPICS, new SimpleMeterRegistry())
                .startSink(SinkSettings.defaults().withSchema(SCHEMA).withGroupId(GROUP), pool, 1)
                .startIngest(IngestSettings.defaults(ApiKeys.parseKeyFile(KEY_FILE, "test keys")).withPort(0), () -> "",
                        readiness, server -> QueryRoutes.register(server, pool, SCHEMA));
        processor = startProcessor();
        probe = new PipelineProbe(bootstrap, TOPICS, PROCESSOR_ID, pool, SCHEMA);
        acme = client().tenant("acme").build();
        globex = client().tenant("globex").build();
        noTenant = client().build();
    }

    static AgentlogClient.Builder client() {
        return AgentlogClient.builder().bootstrapServers(TestRuntime.get().bootstrapServers()).topicPrefix("tn");
    }

    static Path processorStateDir() {
        return TestRuntime.get().dataDir.resolve(PROCESSOR_ID);
    }

    static Pipeline startProcessor() {
        return new Pipeline(TestRuntime.get().bootstrapServers(), TOPICS, new SimpleMeterRegistry())
                .startProcessor(ProcessorSettings.defaults(processorStateDir()).withApplicationId(PROCESSOR_ID));
    }

    @AfterAll
    static void stopPipeline() {
        Stream.of(acme, globex, noTenant).forEach(AgentlogClient::close);
        processor.close();
        pipeline.close();
        readiness.close();
        pool.close();
    }

    static Event event(String id, String stream, String type, String payload) {
        String json = "{\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"schema_version\":"
                + (type.equals("message.created") ? 2 : 1) + ",\"stream_id\":\"" + stream + "\",\"occurred_at\":\""
                + AT.plusSeconds(SECONDS.incrementAndGet()) + "\",\"payload\":" + payload + "}";
        try {
            return codec.decode(json.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test event " + json, e);
        }
    }

    static String message(String id, String text) {
        return "{\"message_id\":\"" + id + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}";
    }

    /** Sends in order and waits for Kafka's acknowledgements. */
    static void send(AgentlogClient client, Event... events) throws Exception {
        CompletableFuture.allOf(client.sendAll(List.of(events)).toArray(CompletableFuture[]::new)).join();
    }

    static List<String> tenantDeadLetters() throws Exception {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : probe.readAll(TOPICS.dlq())) {
            Event refused = codec.decode(record.value());
            out.add(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON) + " " + refused.eventId() + " "
                    + refused.tenant());
        }
        return out;
    }

    static HttpResponse<String> post(String key, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/v1/events"))
                .header("Authorization", "Bearer " + KEYS.get(key)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String key, String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + pathAndQuery))
                .header("Authorization", "Bearer " + KEYS.get(key)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void shouldKeepEachTenantOnItsOwnStreamsAndDeadLetterAnotherTenantsEvent() throws Exception {
        send(acme,
                event("tn-a1", ACME_AGENT, "agent.created", "{\"name\":\"acme agent\"}"),
                event("tn-a2", ACME_BLOCK, "block.created", "{\"label\":\"human\",\"value\":\"acme secret block\"}"),
                event("tn-a3", ACME_AGENT, "block.attached", "{\"block_id\":\"" + ACME_BLOCK + "\",\"label\":\"human\"}"),
                event("tn-a4", ACME_ARCHIVE, "archive.created", "{\"name\":\"acme archive\"}"),
                event("tn-a5", ACME_ARCHIVE, "passage.inserted", "{\"passage_id\":\"passage-tn-a\",\"text\":\"acme secret passage\"}"),
                event("tn-a6", ACME_AGENT, "archive.attached", "{\"archive_id\":\"" + ACME_ARCHIVE + "\"}"),
                event("tn-a7", ACME_AGENT, "message.created", message("message-tn-a", "acme secret words")),
                event("tn-a8", ACME_AGENT, "context.updated", "{\"message_ids\":[\"message-tn-a\"]}"));
        send(globex,
                event("tn-g1", GLOBEX_AGENT, "agent.created", "{\"name\":\"globex agent\"}"),
                event("tn-g2", GLOBEX_AGENT, "message.created", message("message-tn-g", "globex words")),
                // globex names acme's block, archive and message from its own agent: allowed, but never shown
                event("tn-g3", GLOBEX_AGENT, "block.attached", "{\"block_id\":\"" + ACME_BLOCK + "\",\"label\":\"human\"}"),
                event("tn-g4", GLOBEX_AGENT, "archive.attached", "{\"archive_id\":\"" + ACME_ARCHIVE + "\"}"),
                event("tn-g5", GLOBEX_AGENT, "context.updated", "{\"message_ids\":[\"message-tn-g\",\"message-tn-a\"]}"),
                // globex writes on acme's agent: refused
                event("tn-g6", ACME_AGENT, "message.created", message("message-tn-forged", "globex was here")));
        send(noTenant, event("tn-n1", ACME_AGENT, "agent.updated", "{\"name\":\"renamed by nobody\"}"));
        // over HTTP, globex's key forges acme's tenant in the body: ingest stamps globex, the processor refuses it
        HttpResponse<String> forged = post("globex", "{\"event_id\":\"tn-http-g\",\"type\":\"agent.updated\","
                + "\"schema_version\":1,\"stream_id\":\"" + ACME_AGENT + "\",\"tenant\":\"acme\",\"occurred_at\":\""
                + AT.plusSeconds(SECONDS.incrementAndGet()) + "\",\"payload\":{\"name\":\"taken by globex\"}}");
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(202);
        probe.awaitDrained();

        assertThat(tenantDeadLetters()).containsExactlyInAnyOrder("tenant tn-g6 globex", "tenant tn-n1 null",
                "tenant tn-http-g globex");
        assertThat(Rows.of(pool, "select stream_id, count(*), min(tenant), max(tenant) from tn.events group by stream_id"
                + " order by stream_id")).containsExactly(ACME_AGENT + " | 5 | acme | acme", GLOBEX_AGENT
                + " | 5 | globex | globex", ACME_ARCHIVE + " | 2 | acme | acme", ACME_BLOCK + " | 1 | acme | acme");
        assertThat(Rows.of(pool, "select agent_id, name, tenant from tn.agents order by agent_id"))
                .containsExactly(ACME_AGENT + " | acme agent | acme", GLOBEX_AGENT + " | globex agent | globex");
        assertThat(Rows.of(pool, "select block_id, tenant from tn.blocks")).containsExactly(ACME_BLOCK + " | acme");
        assertThat(Rows.of(pool, "select archive_id, tenant from tn.archives")).containsExactly(ACME_ARCHIVE + " | acme");
        assertThat(Rows.of(pool, "select message_id, agent_id from tn.messages order by message_id"))
                .containsExactly("message-tn-a | " + ACME_AGENT, "message-tn-g | " + GLOBEX_AGENT);
    }

    @Test
    @Order(2)
    void shouldAnswerATenantOnlyAboutItsOwnAgentsBlocksAndArchives() throws Exception {
        HttpResponse<String> own = get("acme", "/v1/agents/" + ACME_AGENT);
        HttpResponse<String> foreign = get("globex", "/v1/agents/" + ACME_AGENT);
        HttpResponse<String> absent = get("globex", "/v1/agents/agent-tn-nobody");

        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains("acme secret block", "acme secret passage", "acme secret words");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).as("another tenant's agent reads as one that does not exist")
                .isEqualTo(absent.body().replace("agent-tn-nobody", ACME_AGENT));
        assertThat(get("ops", "/v1/agents/" + ACME_AGENT).statusCode()).as("a key without a tenant").isEqualTo(200);
        String then = "?at=" + AT.plusSeconds(3600);
        assertThat(get("acme", "/v1/agents/" + ACME_AGENT + then).statusCode()).isEqualTo(200);
        assertThat(get("globex", "/v1/agents/" + ACME_AGENT + then).statusCode()).isEqualTo(404);
        assertThat(get("acme", "/v1/agents/" + ACME_AGENT + "/history").statusCode()).isEqualTo(200);
        assertThat(get("globex", "/v1/agents/" + ACME_AGENT + "/history").statusCode()).isEqualTo(404);
        assertThat(get("acme", "/v1/blocks/" + ACME_BLOCK + "/history").statusCode()).isEqualTo(200);
        assertThat(get("globex", "/v1/blocks/" + ACME_BLOCK + "/history").statusCode()).isEqualTo(404);
        assertThat(get("acme", "/v1/agents/" + GLOBEX_AGENT).statusCode()).isEqualTo(404);

        for (String query : List.of("", then)) {
            HttpResponse<String> globexAgent = get("globex", "/v1/agents/" + GLOBEX_AGENT + query);
            assertThat(globexAgent.statusCode()).as(globexAgent.body()).isEqualTo(200);
            assertThat(globexAgent.body()).contains("globex words", ACME_BLOCK, ACME_ARCHIVE)
                    .doesNotContain("acme secret block", "acme secret passage", "acme secret words", "acme archive");
        }
        assertThat(get("ops", "/v1/agents/" + GLOBEX_AGENT).body()).as("a key without a tenant sees everything")
                .contains("acme secret block", "acme secret words");
    }

    @Test
    @Order(3)
    void shouldVerifyTheTenantsAgainstTheLog() throws Exception {
        assertThat(verify().equal()).isTrue();
        try (var c = pool.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("update tn.agents set tenant = 'globex' where agent_id = '" + ACME_AGENT + "'");
            s.executeUpdate("update tn.events set tenant = null where event_id = 'tn-a2'");
        }

        VerifyReport tampered = verify();

        assertThat(tampered.equal()).isFalse();
        assertThat(tampered.differences()).extracting(VerifyReport.Difference::toString)
                .contains("agents " + ACME_AGENT + " column tenant: log \"acme\" vs table \"globex\"")
                .anyMatch(d -> d.startsWith("events tn-a2 column (row)"));
        try (var c = pool.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("update tn.agents set tenant = 'acme' where agent_id = '" + ACME_AGENT + "'");
            s.executeUpdate("update tn.events set tenant = 'acme' where event_id = 'tn-a2'");
        }
        assertThat(verify().equal()).isTrue();
    }

    static VerifyReport verify() throws Exception {
        try (KafkaLogSource log = new KafkaLogSource(TestRuntime.get().bootstrapServers(), TOPICS.events(), Map.of())) {
            return new Verifier(pool, SCHEMA, GROUP, 20).againstLog(log);
        }
    }

    @Test
    @Order(4)
    void shouldKeepAStreamsOwnerAfterAProcessorRestartWithItsLocalStateWiped() throws Exception {
        processor.close();
        deleteRecursively(processorStateDir());
        processor = startProcessor();

        send(globex, event("tn-g7", ACME_AGENT, "message.created", message("message-tn-forged-2", "globex again")));
        send(acme, event("tn-a9", ACME_AGENT, "message.created", message("message-tn-a2", "acme after restart")));
        probe.awaitDrained();

        assertThat(tenantDeadLetters()).containsExactlyInAnyOrder("tenant tn-g6 globex", "tenant tn-n1 null",
                "tenant tn-http-g globex", "tenant tn-g7 globex");
        assertThat(Rows.of(pool, "select message_id, agent_id from tn.messages where agent_id = '" + ACME_AGENT
                + "' order by message_id")).containsExactly("message-tn-a | " + ACME_AGENT, "message-tn-a2 | " + ACME_AGENT);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
