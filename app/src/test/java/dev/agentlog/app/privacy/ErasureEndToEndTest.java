package dev.agentlog.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.EraseRoute;
import dev.agentlog.app.wiring.Eraser;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.client.AgentlogClient;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.Sealing;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.query.QueryRoutes;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.support.time.Time;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's first test, on the real pipeline (broker, processor, sink, PostgreSQL) with encryption on: a workload of
 * several agents sharing a block goes in over HTTP (sealed at ingest) and one message through the Java client (sealed
 * there), one agent gets a dead letter, then that agent is erased through {@code POST /v1/erase}. Afterwards no table holds any of its content, its rows in {@code events} have
 * no readable payload, the raw records of every topic (input, log of record, dead letters) never held its plaintext,
 * the other agents equal a run in which it never existed (the fold of the workload without its streams) with the
 * shared block kept, and a rebuild from the log and a verify succeed and still show nothing of it.
 */
class ErasureEndToEndTest {
    static final String NAME = "er";
    static final Topics TOPICS = new Topics(NAME);
    static final String GROUP = NAME + "-sink";
    static final String PROCESSOR_ID = NAME + "-processor";
    static final String WRITER_KEY = "er-writer-key-0123456789abcdef";
    static final String ADMIN_KEY = "er-admin-key-0123456789abcdef";
    static final String KEY_FILE = "writer events:write,state:read " + ApiKeys.hash(WRITER_KEY) + "\nops admin "
            + ApiKeys.hash(ADMIN_KEY);
    static final String ERASED = "agent-bench-2";
    static final List<String> ERASED_STREAMS = List.of(ERASED, "block-bench-2", "archive-bench-2");
    static final String SHARED = "block-bench-shared";
    static final String DEAD_LETTER_SECRET = "a dead letter of agent two, never to be read again";
    static final String CLIENT_SECRET = "told to agent two by a JVM platform through the Java client";

    static HikariDataSource pool;
    static Pipeline pipeline;
    static EventPublisher erasures;
    static KafkaReadiness readiness;
    static PipelineProbe probe;
    static Path kekFile;
    static List<WorkloadEvent> log;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPipeline() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        kekFile = Files.createDirectories(runtime.dataDir.resolve(NAME)).resolve("kek.json");
        Files.deleteIfExists(kekFile);
        KeyEncryptionKey.create(kekFile);
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4, NAME);
        SchemaMigrator.migrate(pool, NAME);
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        EventCodec codec = new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(kekFile), Time.SYSTEM))
                .codec();
        readiness = new KafkaReadiness(bootstrap);
        erasures = new EventPublisher(bootstrap, TOPICS, PublisherSettings.DEFAULT, Map.of());
        // ingest's keys, as in `up` and `ingest`: a cache of its own, here never stale (its clock stands still), so
        // that only the eraser's word makes it drop an erased subject's key
        EventCodec edge = new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(kekFile),
                Time.of(() -> 0L, System::currentTimeMillis))).codec();
        Eraser eraser = new Eraser(pool, NAME, erasures, Time.SYSTEM).forgettingIn(edge);
        pipeline = new Pipeline(bootstrap, TOPICS, new SimpleMeterRegistry()).withCodec(codec)
                .startSink(SinkSettings.defaults().withSchema(NAME).withGroupId(GROUP), pool, 1)
                .startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve(PROCESSOR_ID))
                        .withApplicationId(PROCESSOR_ID))
                .withCodec(edge)
                .startIngest(IngestSettings.defaults(ApiKeys.parseKeyFile(KEY_FILE, "test keys")).withPort(0), () -> "",
                        readiness, server -> {
                            QueryRoutes.register(server, pool, NAME, codec);
                            EraseRoute.register(server, eraser);
                        });
        probe = new PipelineProbe(bootstrap, TOPICS, PROCESSOR_ID, pool, NAME);
        log = new LettaWorkload(15, 3_000, 5).toList();
    }

    @AfterAll
    static void stopPipeline() {
        pipeline.close();
        erasures.close();
        readiness.close();
        pool.close();
    }

    @Test
    void shouldEraseAnAgentEverywhereAndLeaveTheOthersAsIfItNeverExisted() throws Exception {
        for (int from = 0; from < log.size(); from += 500) {
            String body = log.subList(from, Math.min(log.size(), from + 500)).stream()
                    .map(e -> new String(e.json(), StandardCharsets.UTF_8)).collect(Collectors.joining(",", "[", "]"));
            HttpResponse<String> posted = post("/v1/events", WRITER_KEY, body);
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        }
        // a JVM platform's Java client seals at its side, as ingest does (docs/privacy.md): no plaintext reaches Kafka
        try (AgentlogClient client = AgentlogClient.builder().bootstrapServers(TestRuntime.get().bootstrapServers())
                .topicPrefix(NAME).sealingWith(new PayloadCipher(new SubjectKeys(pool, NAME,
                        KeyEncryptionKey.load(kekFile), Time.SYSTEM))).build()) {
            client.sendAndWait(EventCodec.standard().fromClientJson(EventCodec.parse(("{\"event_id\":\"er-client\","
                    + "\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\"" + ERASED + "\","
                    + "\"occurred_at\":\"2026-11-24T00:00:01Z\",\"payload\":{\"message_id\":\"message-er-client\","
                    + "\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + CLIENT_SECRET + "\"}]}}")
                    .getBytes(StandardCharsets.UTF_8)), null));
        }
        // position 1 of the agent's stream is taken: the processor dead-letters this one (reason conflict)
        HttpResponse<String> conflict = post("/v1/events", WRITER_KEY, "{\"event_id\":\"er-conflict\",\"type\":"
                + "\"message.created\",\"schema_version\":2,\"stream_id\":\"" + ERASED + "\",\"stream_seq\":1,"
                + "\"occurred_at\":\"2026-11-24T00:00:00Z\",\"payload\":{\"message_id\":\"message-er-conflict\","
                + "\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + DEAD_LETTER_SECRET + "\"}]}}");
        assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(202);
        probe.awaitDrained();
        Set<String> secrets = Plaintexts.of(log, ERASED_STREAMS);
        secrets.add(DEAD_LETTER_SECRET);
        secrets.add(CLIENT_SECRET);
        assertThat(secrets).hasSizeGreaterThan(100);
        assertThat(probe.readAll(TOPICS.dlq())).hasSize(1);
        long erasedEvents = Long.parseLong(Rows.of(pool, "select count(*) from " + NAME + ".events where stream_id in"
                + " ('agent-bench-2', 'block-bench-2', 'archive-bench-2')").get(0));
        // the tables held it in clear while it lived (the projections are the working state)
        assertThat(tablesText()).contains("You are agent 2.", CLIENT_SECRET);
        // a snapshot of every stream, sealed per subject: none of its plaintext in PostgreSQL's copy or the topic's
        CliRun snapshot = CliRun.of(cli("snapshot", List.of("--group-id", GROUP, "--kek-file", kekFile.toString())));
        assertThat(snapshot.exitCode()).as(snapshot.out() + snapshot.err()).isZero();
        assertThat(snapshot.out()).contains("sealed per subject");
        assertThat(Rows.of(pool, "select count(*) from " + NAME + ".snapshot_streams where stream_id in"
                + " ('agent-bench-2', 'block-bench-2', 'archive-bench-2') and state is not null")).containsExactly("3");
        assertThat(snapshotValues()).allSatisfy(value -> assertThat(Plaintexts.foundIn(value, secrets)).isNull());
        assertThat(probe.readAll(TOPICS.snapshots())).hasSizeGreaterThan(3);

        assertThat(post("/v1/erase", WRITER_KEY, "{\"agent_id\":\"" + ERASED + "\"}").statusCode()).isEqualTo(403);
        HttpResponse<String> erased = post("/v1/erase", ADMIN_KEY, "{\"agent_id\":\"" + ERASED + "\"}");
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        JsonNode receipt = EventCodec.JSON.readTree(erased.body());
        assertThat(receipt.get("requested_by").asText()).isEqualTo("http:ops");
        assertThat(receipt.get("keys_destroyed")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(ERASED, "block-bench-2", "archive-bench-2");
        assertThat(receipt.get("kept_shared")).extracting(JsonNode::asText).containsExactly(SHARED);
        assertThat(receipt.get("events_made_unreadable").asLong()).isEqualTo(erasedEvents);
        assertThat(receipt.get("rows_deleted").get("messages").asLong()).isPositive();
        assertThat(receipt.get("rows_deleted").get("block_versions").asLong()).isPositive();
        // ingest refuses the erased agent's events from the erasure's answer on (it dropped its cached key)
        String afterSecret = "said to agent two after its erasure, never to be kept";
        secrets.add(afterSecret);
        HttpResponse<String> late = post("/v1/events", WRITER_KEY, "{\"event_id\":\"er-late\",\"type\":"
                + "\"message.created\",\"schema_version\":2,\"stream_id\":\"" + ERASED + "\",\"occurred_at\":"
                + "\"2026-11-24T03:00:00Z\",\"payload\":{\"message_id\":\"message-er-late\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"" + afterSecret + "\"}]}}");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(400);
        assertThat(late.body()).contains("stream_id", "not_allowed");
        String erasureEvent = receipt.get("subject_erased_event_id").asText();
        Await.until("the sink to apply " + erasureEvent, Duration.ofSeconds(60), () -> Rows.of(pool,
                "select count(*) from " + NAME + ".events where event_id = '" + erasureEvent + "'"), r -> r.equals(List.of("1")));

        assertErasedEverywhere(secrets);
        assertOthersAsIfItNeverExisted();

        // the log and the tables agree; a rebuild from the log brings nothing of it back
        List<String> args = List.of("--group-id", GROUP, "--kek-file", kekFile.toString());
        CliRun verify = CliRun.of(cli("verify", args));
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        CliRun rebuild = CliRun.of(cli("rebuild", List.of("--group-id", GROUP, "--kek-file", kekFile.toString(),
                "--drop-old")));
        assertThat(rebuild.exitCode()).as(rebuild.out() + rebuild.err()).isZero();
        CliRun again = CliRun.of(cli("verify", args));
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("from snapshot snapshot-");
        assertErasedEverywhere(secrets);
        assertOthersAsIfItNeverExisted();
        // the next snapshot tombstones the erased streams in the compacted topic
        CliRun next = CliRun.of(cli("snapshot", List.of("--group-id", GROUP, "--kek-file", kekFile.toString())));
        assertThat(next.exitCode()).as(next.out() + next.err()).isZero();
        Map<String, byte[]> latest = new java.util.HashMap<>();
        probe.readAll(TOPICS.snapshots()).forEach(r -> latest.put(new String(r.key(), StandardCharsets.UTF_8), r.value()));
        assertThat(ERASED_STREAMS).allSatisfy(stream -> {
            assertThat(latest).containsKey(stream);
            assertThat(latest.get(stream)).as(stream).isNull();
        });
        assertThat(latest.get(SHARED)).isNotNull();

        // the readers know it erased; the others' sealed events open for them
        CliRun state = CliRun.of(cli("state", List.of(ERASED, "--at", "2026-11-24T01:00:00Z", "--kek-file",
                kekFile.toString())));
        assertThat(state.exitCode()).as(state.out()).isEqualTo(1);
        CliRun other = CliRun.of(cli("state", List.of("agent-bench-3", "--at", "2026-11-24T01:00:00Z", "--kek-file",
                kekFile.toString())));
        assertThat(other.exitCode()).as(other.err()).isZero();
        assertThat(other.out()).contains("You are agent 3.");
        CliRun history = CliRun.of(cli("history", List.of("block-bench-2", "--kek-file", kekFile.toString())));
        assertThat(history.exitCode()).isNotZero();
        assertThat(CliRun.of(cli("history", List.of("block-bench-3", "--kek-file", kekFile.toString()))).out())
                .contains("v1 of 3");

        // a person named by a Letta identity: the command finds their agents by the identity id, which stays clear
        HttpResponse<String> identity = post("/v1/events", WRITER_KEY, "{\"event_id\":\"er-identity\",\"type\":"
                + "\"identity.attached\",\"schema_version\":1,\"stream_id\":\"agent-bench-4\",\"occurred_at\":"
                + "\"2026-11-24T02:00:00Z\",\"payload\":{\"identity_id\":\"identity-er\"}}");
        assertThat(identity.statusCode()).as(identity.body()).isEqualTo(202);
        probe.awaitDrained();
        List<String> byIdentity = List.of("subject", "identity-er", "--requested-by", "dpo ticket 7");
        CliRun dryRun = CliRun.of(cli("erase", byIdentity));
        assertThat(dryRun.exitCode()).as(dryRun.err()).isEqualTo(1);
        assertThat(dryRun.out()).contains("would erase agents [agent-bench-4]", "nothing erased");
        List<String> confirmed = new ArrayList<>(byIdentity);
        confirmed.add("--confirm");
        CliRun second = CliRun.of(cli("erase", confirmed));
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("agents:   [agent-bench-4]", "blocks:   [block-bench-4]",
                "requested by dpo ticket 7", "events made unreadable");
        String secondEvent = second.out().lines().filter(l -> l.contains("subject.erased event:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        Await.until("the sink to apply " + secondEvent, Duration.ofSeconds(60), () -> Rows.of(pool,
                "select count(*) from " + NAME + ".events where event_id = '" + secondEvent + "'"), r -> r.equals(List.of("1")));
        assertThat(Rows.of(pool, "select count(*) from " + NAME + ".messages where agent_id = 'agent-bench-4'"))
                .containsExactly("0");
        CliRun last = CliRun.of(cli("verify", args));
        assertThat(last.exitCode()).as(last.out() + last.err()).isZero();
    }

    /** No byte of the agent's plaintext in any table, any topic; its events keep no payload; its rows are gone. */
    private static void assertErasedEverywhere(Set<String> secrets) throws Exception {
        assertThat(Plaintexts.foundIn(tablesText(), secrets)).as("plaintext of the erased agent in a table").isNull();
        for (String topic : List.of(TOPICS.in(), TOPICS.events(), TOPICS.dlq(), TOPICS.snapshots())) {
            for (ConsumerRecord<byte[], byte[]> record : probe.readAll(topic)) {
                assertThat(Plaintexts.foundIn(record.value(), secrets)).as("plaintext in " + topic + " at "
                        + record.partition() + "@" + record.offset()).isNull();
            }
        }
        assertThat(Rows.of(pool, "select distinct payload::text from " + NAME + ".events where stream_id in"
                + " ('agent-bench-2', 'block-bench-2', 'archive-bench-2') and type <> 'subject.erased'"))
                .containsExactly(Sealing.erasedPayload().toString().replace(":", ": ").replace(",", ", "));
        for (String table : List.of("agents", "messages", "agent_context", "agent_blocks", "agent_archives")) {
            assertThat(Rows.of(pool, "select count(*) from " + NAME + "." + table + " where agent_id = '" + ERASED + "'"))
                    .as(table).containsExactly("0");
        }
        assertThat(Rows.of(pool, "select count(*) from " + NAME + ".block_versions where block_id = 'block-bench-2'"))
                .containsExactly("0");
        assertThat(Rows.of(pool, "select count(*) from " + NAME + ".passages where archive_id = 'archive-bench-2'"))
                .containsExactly("0");
        // its snapshot records lost their state (the rows stay as tombstones for the topic's next snapshot)
        assertThat(Rows.of(pool, "select count(*) from " + NAME + ".snapshot_streams where stream_id in"
                + " ('agent-bench-2', 'block-bench-2', 'archive-bench-2') and state is not null")).containsExactly("0");
        assertThat(snapshotValues()).allSatisfy(value -> assertThat(Plaintexts.foundIn(value, secrets)).isNull());
        // its dead letter stays in the topic, sealed under a key that is gone
        EventCodec opening = new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(kekFile),
                Time.SYSTEM)).codec();
        assertThat(opening.decode(probe.readAll(TOPICS.dlq()).get(0).value()).payload())
                .isInstanceOfSatisfying(SealedPayload.class, p -> assertThat(p.erased()).isTrue());
    }

    /** The tables equal the fold of the workload without the erased agent's streams; the shared block stays. */
    private static void assertOthersAsIfItNeverExisted() throws Exception {
        LogFold without = new LogFold();
        EventCodec codec = EventCodec.standard();
        for (WorkloadEvent e : log) {
            if (!ERASED_STREAMS.contains(e.streamId())) {
                without.apply(codec.decode(e.json()));
            }
        }
        assertThat(without.state().differencesFrom(ProjectionReader.read(pool, NAME), 10)).isEmpty();
        assertThat(Rows.of(pool, "select count(*) from " + NAME + ".blocks where block_id = '" + SHARED
                + "' and deleted_at is null")).containsExactly("1");
    }

    /** The state of every snapshot record kept in PostgreSQL, as stored. */
    private static List<byte[]> snapshotValues() throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select state from " + NAME + ".snapshot_streams where state is not null")) {
            while (rs.next()) {
                out.add(rs.getBytes(1));
            }
        }
        return out;
    }

    /** Every row of every table of the schema, as text. */
    private static String tablesText() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select table_name from information_schema.tables where table_schema = '"
                    + NAME + "'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("messages", "events", "block_versions", "subject_keys");
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("select t::text from " + NAME + ".\"" + table + "\" t")) {
                    while (rs.next()) {
                        all.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }

    private static String[] cli(String command, List<String> extra) {
        TestRuntime runtime = TestRuntime.get();
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(extra);
        all.addAll(List.of("--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", runtime.postgres.user(),
                "--pg-password", runtime.postgres.password(), "--pg-schema", NAME));
        if (List.of("verify", "rebuild", "erase", "snapshot").contains(command)) {
            all.addAll(List.of("--bootstrap-servers", runtime.bootstrapServers(), "--topic-prefix", NAME));
        }
        return all.toArray(String[]::new);
    }

    private static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.httpPort() + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
