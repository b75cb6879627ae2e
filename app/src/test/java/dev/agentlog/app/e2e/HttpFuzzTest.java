package dev.agentlog.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.query.QueryRoutes;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.ingest.testing.RawHttp;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed requests ({@link MalformedRequests}, seeded; the seed is printed and
 * {@code -Dfuzz.seed=N} replays it) against the real pipeline: the HTTP API, a real Kafka broker, the processor,
 * the sink and PostgreSQL, with the query routes. No answer is a 5xx, every 4xx says what is wrong, nothing the
 * API refused is in Kafka (what it took is, exactly), and what it took lands in PostgreSQL without a dead letter,
 * as do valid events sent after the storm.
 */
class HttpFuzzTest {
    static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);
    static final String SCHEMA = "fuzz";
    static final Topics TOPICS = new Topics("fuzz");
    static final String WRITER = "al_fuzz-writer-0123456789abcdef";
    static final String READER = "al_fuzz-reader-0123456789abcdef";

    static HikariDataSource pool;
    static Pipeline pipeline;
    static KafkaReadiness readiness;
    static PipelineProbe probe;

    @BeforeAll
    static void startPipeline() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4, "fuzz");
        SchemaMigrator.migrate(pool, SCHEMA);
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        ApiKeys keys = ApiKeys.parseKeyFile("writer events:write " + ApiKeys.hash(WRITER) + "\n"
                + "reader state:read,metrics:read " + ApiKeys.hash(READER) + " tenant=acme\n", "fuzz-keys");
        // small limits, so that huge values cost little to send
        IngestSettings settings = new IngestSettings("127.0.0.1", 0, keys, 256 * 1024, 50, 64 * 1024, 8, 10_000, 1);
        readiness = new KafkaReadiness(bootstrap);
        pipeline = new Pipeline(bootstrap, TOPICS, new SimpleMeterRegistry())
                .startSink(SinkSettings.defaults().withSchema(SCHEMA).withGroupId("fuzz-sink"), pool, 1)
                .startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve("fuzz-processor"))
                        .withApplicationId("fuzz-processor"))
                .startIngest(settings, () -> "", readiness, server -> QueryRoutes.register(server, pool, SCHEMA));
        probe = new PipelineProbe(bootstrap, TOPICS, "fuzz-processor", pool, SCHEMA);
    }

    @AfterAll
    static void stopPipeline() {
        pipeline.close();
        readiness.close();
        pool.close();
    }

    @Test
    void shouldAnswerEveryMalformedRequestWithA4xxAndLetOnlyWhatItTookReachKafkaAndPostgres() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("HttpFuzzTest: seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        MalformedRequests requests = new MalformedRequests(seed, WRITER, READER);
        Set<String> accepted = new HashSet<>();
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int refusals = 0;

        for (int i = 0; i < REQUESTS; i++) {
            MalformedRequests.Drawn drawn = requests.next();
            RawHttp.Response answer;
            try (RawHttp client = RawHttp.connect(pipeline.httpPort())) {
                answer = client.send(drawn.bytes()).read();
            } catch (RuntimeException e) {
                failures.add("#" + i + " " + drawn.what() + ": no answer (" + e.getMessage() + ")");
                continue;
            }
            String problem = check(answer, accepted);
            if (problem != null) {
                failures.add("#" + i + " " + drawn.what() + ": " + problem);
            }
            refusals += answer.status() >= 400 ? 1 : 0;
            statuses.merge(answer.status(), 1, Integer::sum);
        }
        System.out.println("HttpFuzzTest: answers by status " + statuses + ", " + accepted.size() + " events taken");

        assertThat(failures).as("seed %d: answers that break the rules", seed).isEmpty();
        assertThat(refusals).as("most draws are refused").isGreaterThan(REQUESTS / 2);

        Set<String> afterwards = sendValidEvents(requests, 20);
        assertThat(idsIn(TOPICS.in())).as("seed %d: what Kafka holds is exactly what the API took", seed)
                .isEqualTo(union(accepted, afterwards));

        probe.awaitDrained();
        assertThat(probe.readAll(TOPICS.dlq())).as("seed %d: dead letters of events the API took", seed).isEmpty();
        assertThat(Rows.of(pool, "select event_id from " + SCHEMA + ".events")).as("seed %d", seed)
                .containsExactlyInAnyOrderElementsOf(union(accepted, afterwards));
    }

    /** Null when the answer keeps the rules; records the ids of events it says it took. */
    private static String check(RawHttp.Response answer, Set<String> accepted) {
        if (answer.status() >= 500) {
            return "answered " + answer.status() + ": " + answer.body();
        }
        JsonNode body;
        try {
            body = EventCodec.JSON.readTree(answer.body());
        } catch (Exception e) {
            return "answered " + answer.status() + " with a body that is not JSON: " + answer.body();
        }
        if (answer.status() >= 400 && (body.get("error") == null || body.get("error").asText().isBlank())) {
            return "answered " + answer.status() + " without saying what is wrong: " + answer.body();
        }
        JsonNode results = body.get("results");
        if (results != null) {
            for (JsonNode result : results) {
                if (result.get("status").asText().equals("accepted")) {
                    accepted.add(result.get("event_id").asText());
                }
            }
        }
        return null;
    }

    /** Valid events, each on its own connection (the requests ask the server to close it). */
    private static Set<String> sendValidEvents(MalformedRequests requests, int count) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            var event = requests.validEvent();
            try (RawHttp client = RawHttp.connect(pipeline.httpPort())) {
                RawHttp.Response answer = client.send(requests.post("application/json", WRITER,
                        event.toString().getBytes(StandardCharsets.UTF_8))).read();
                assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            }
            ids.add(event.get("event_id").asText());
        }
        return ids;
    }

    private static Set<String> idsIn(String topic) throws Exception {
        Set<String> ids = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> record : probe.readAll(topic)) {
            ids.add(EventCodec.JSON.readTree(record.value()).get("event_id").asText());
        }
        return ids;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
