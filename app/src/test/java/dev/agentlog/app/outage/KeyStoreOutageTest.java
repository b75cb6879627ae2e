package dev.agentlog.app.outage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.crash.ChildProcess;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.runtime.LocalPostgres;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKey;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.ingest.Scope;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With encryption on, ingest seals each event with its subject's data key, which lives in PostgreSQL: while PostgreSQL
 * is away, an event whose key is not in memory cannot be sealed. That is an outage, not a bad request and not a server
 * bug: the answer is 503 with {@code Retry-After}, nothing of the request is sent, {@code /readyz} says ingest waits for
 * the data keys without quoting the driver, and the same request is accepted once PostgreSQL is back (it was 500).
 */
class KeyStoreOutageTest {
    static final String NAME = "keyoutage";
    static final Topics TOPICS = new Topics(NAME);
    static final String KEY = "keyoutage-key-0123456789abcdef";

    @Test
    void shouldAnswer503WithRetryAfterWhileTheDataKeysCannotBeReadAndAcceptTheSameEventsAfter() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 1, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        Path dir = Files.createDirectories(runtime.dataDir.resolve(NAME));
        Path kek = dir.resolve("kek.json");
        Files.deleteIfExists(kek);
        KeyEncryptionKey.create(kek);
        Path pgDir = dir.resolve("postgres");
        LocalPostgres postgres = LocalPostgres.start(pgDir, 0, null);
        int pgPort = postgres.port();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (HikariDataSource pool = Database.pool(postgres.jdbcUrl(), postgres.user(), postgres.password(), 2, NAME);
             KafkaReadiness kafka = new KafkaReadiness(bootstrap)) {
            pool.setConnectionTimeout(250); // Hikari's least: an attempt against a stopped server fails fast
            SchemaMigrator.migrate(pool, NAME);
            EventCodec codec = new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(kek), Time.SYSTEM))
                    .codec();
            try (Pipeline pipeline = new Pipeline(bootstrap, TOPICS, registry).withCodec(codec)
                    .startIngest(IngestSettings.defaults(ApiKeys.parse("tester:" + KEY)).withPort(0), () -> "", kafka,
                            server -> { })) {
                IngestCalls client = new IngestCalls(pipeline::httpPort, KEY);
                HttpResponse<String> before = client.postJson(events("keyoutage-1", "agent-keyoutage-a"));
                assertThat(before.statusCode()).as(before.body()).isEqualTo(202);

                postgres.close();
                String request = events("keyoutage-2", "agent-keyoutage-b") + "," + events("keyoutage-3",
                        "agent-keyoutage-c");
                HttpResponse<String> during = client.postJson("[" + strip(request) + "]");

                assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
                assertThat(during.headers().firstValue("Retry-After")).isPresent();
                assertThat(during.body()).contains("data key", "\"accepted\":0", "\"status\":\"unavailable\"")
                        .doesNotContain("SQLException", "jdbc", "Connection to", "onnection refused");
                HttpResponse<String> notReady = client.readyz();
                assertThat(notReady.statusCode()).isEqualTo(503);
                assertThat(notReady.body()).contains("ingest: the data keys cannot be read").doesNotContain("SQLException", "Connection to");

                postgres = LocalPostgres.start(pgDir, pgPort, null);
                HttpResponse<String> after = Await.until("the same request accepted with PostgreSQL back",
                        Duration.ofSeconds(60), () -> client.postJson("[" + strip(request) + "]"),
                        r -> r.statusCode() == 202);
                assertThat(after.body()).contains("\"accepted\":2");
                Await.until("/readyz ready again", Duration.ofSeconds(60), client::readyz, r -> r.statusCode() == 200);
            }
            // what was answered 503 was not sent: each event is in the input topic once, from the accepted request
            List<String> sent = new java.util.ArrayList<>();
            for (var record : new PipelineProbe(bootstrap, TOPICS, null, null, null).readAll(TOPICS.in())) {
                sent.add(EventCodec.JSON.readTree(record.value()).path("event_id").asText());
            }
            assertThat(sent).containsExactlyInAnyOrder("keyoutage-1", "keyoutage-2", "keyoutage-3");
        } finally {
            postgres.close();
        }
    }

    /**
     * The same outage against {@code agentlog ingest} as a user runs it: the request for a subject whose key is not in
     * memory is answered 503 within the publish timeout (1 s here), not after Hikari's 30 s wait for a connection (the
     * client's 20 s deadline fails the test then).
     */
    @Test
    void shouldAnswerWithinThePublishTimeoutFromTheIngestCommand() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String name = NAME + "cmd";
        Path dir = Files.createDirectories(runtime.dataDir.resolve(name));
        Path kek = dir.resolve("kek.json");
        Files.deleteIfExists(kek);
        KeyEncryptionKey.create(kek);
        Path keys = dir.resolve("api-keys");
        Files.writeString(keys, ApiKeys.keyFileLine(new ApiKey("tester", Set.of(Scope.EVENTS_WRITE), null), KEY) + "\n");
        LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"), 0, null);
        try (HikariDataSource pool = Database.pool(postgres.jdbcUrl(), postgres.user(), postgres.password(), 2, name)) {
            SchemaMigrator.migrate(pool, name);
        }
        try (ChildProcess ingest = ChildProcess.start(dir.resolve("ingest.log"), "ingest", "--bootstrap-servers",
                runtime.bootstrapServers(), "--topic-prefix", name, "--partitions", "1", "--http-port", "0",
                "--api-keys-file", keys.toString(), "--pg-url", postgres.jdbcUrl(), "--pg-user", postgres.user(),
                "--pg-schema", name, "--kek-file", kek.toString(),
                "--publish-timeout-ms", "1000")) {
            String out = Await.until("agentlog ingest to listen", Duration.ofSeconds(120), ingest::output,
                    o -> o.contains("ingest listening on http://") || !ingest.isAlive());
            assertThat(ingest.isAlive()).as(out).isTrue();
            Matcher port = Pattern.compile("listening on http://[^:]+:(\\d+)").matcher(out);
            assertThat(port.find()).as(out).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            java.util.function.Function<String, HttpRequest> post = agent -> HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port.group(1) + "/v1/events")).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(events(name + "-" + agent, agent))).build();
            assertThat(http.send(post.apply("agent-cmd-a"), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(202);

            postgres.close();
            // the first ones find the pool's idle connections (4: --pg-pool-size) broken at once; the next wait for a new
            // one, until the pool's connection timeout
            for (String agent : List.of("agent-cmd-b", "agent-cmd-c", "agent-cmd-d", "agent-cmd-e", "agent-cmd-f")) {
                HttpResponse<String> during = http.send(post.apply(agent), HttpResponse.BodyHandlers.ofString());

                assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
                assertThat(during.headers().firstValue("Retry-After")).isPresent();
            }
        } finally {
            postgres.close();
        }
    }

    /** A one-event request (a JSON array) for {@code agent}. */
    private static String events(String eventId, String agent) {
        return "[{\"event_id\":\"" + eventId + "\",\"type\":\"agent.updated\",\"schema_version\":1,\"stream_id\":\""
                + agent + "\",\"occurred_at\":\"2026-12-07T05:00:00Z\",\"payload\":{\"description\":\"step\"}}]";
    }

    private static String strip(String arrays) {
        return arrays.replace("[", "").replace("]", "");
    }
}
