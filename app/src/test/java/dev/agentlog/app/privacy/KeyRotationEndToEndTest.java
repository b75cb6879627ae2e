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
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkWorker;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both rotations on the real pipeline (broker, processor, sink, PostgreSQL) with encryption on, through the CLI as an
 * operator runs them (docs/privacy.md, "Rotation"): events go in sealed under the old KEK; {@code kek rotate}
 * re-wraps the data keys; readers given the old file refuse with a message naming the new key's id, readers given the
 * new one open all history; the parts restart with the new file; a key that a part still on the old file made after
 * the rotation is re-wrapped by running the command again; {@code kek rotate-data-keys} makes new events seal under a
 * new key id while the old ones still open; verify, rebuild and state see everything; erasing an agent afterwards
 * leaves nothing of it readable under either data key.
 */
class KeyRotationEndToEndTest {
    static final String NAME = "krot";
    static final Topics TOPICS = new Topics(NAME);
    static final String GROUP = NAME + "-sink";
    static final String PROCESSOR_ID = NAME + "-processor";
    static final String KEY = "krot-writer-key-0123456789abcdef";
    static final String LATE_BLOCK = "{\"event_id\":\"krot-late\",\"type\":\"block.created\",\"schema_version\":1,"
            + "\"stream_id\":\"block-late\",\"occurred_at\":\"2026-11-24T03:00:00Z\",\"payload\":{\"label\":\"human\","
            + "\"value\":\"made by a part still on the old file\"}}";

    static HikariDataSource pool;
    static KafkaReadiness readiness;
    static PipelineProbe probe;
    static Pipeline pipeline;
    static Path oldKek;
    static Path newKek;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void prepare() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        Path dir = Files.createDirectories(runtime.dataDir.resolve(NAME));
        oldKek = dir.resolve("kek-old.json");
        newKek = dir.resolve("kek-new.json");
        Files.deleteIfExists(oldKek);
        Files.deleteIfExists(newKek);
        pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4, NAME);
        SchemaMigrator.migrate(pool, NAME);
        TopicAdmin.ensureTopics(runtime.bootstrapServers(), TOPICS, 3, (short) 1, 604_800_000L,
                IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        readiness = new KafkaReadiness(runtime.bootstrapServers());
        probe = new PipelineProbe(runtime.bootstrapServers(), TOPICS, PROCESSOR_ID, pool, NAME);
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
        readiness.close();
        pool.close();
    }

    /** (Re)starts ingest, processor and sink, all with the KEK of {@code kekFile}: a part restarted with a new file. */
    static void startPipeline(Path kekFile) {
        if (pipeline != null) {
            pipeline.close();
        }
        TestRuntime runtime = TestRuntime.get();
        EventCodec codec = new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(kekFile), Time.SYSTEM))
                .codec();
        pipeline = new Pipeline(runtime.bootstrapServers(), TOPICS, new SimpleMeterRegistry()).withCodec(codec)
                .startSink(SinkSettings.defaults().withSchema(NAME).withGroupId(GROUP), pool, 1)
                .startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve(PROCESSOR_ID))
                        .withApplicationId(PROCESSOR_ID))
                .startIngest(IngestSettings.defaults(ApiKeys.parseKeyFile("writer events:write " + ApiKeys.hash(KEY),
                        "test keys")).withPort(0), () -> "", readiness, server -> {});
    }

    @Test
    void shouldRotateTheKekAndTheDataKeysUnderARunningPipelineWithEveryReaderOpeningAllHistory() throws Exception {
        List<WorkloadEvent> workload = new LettaWorkload(21, 1_500, 3).toList();
        List<byte[]> posted = new ArrayList<>();
        CliRun created = cli("kek", "create", oldKek.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        String oldId = KeyEncryptionKey.load(oldKek).id();
        assertThat(created.out()).contains("wrote key-encryption key " + oldId);
        startPipeline(oldKek);
        post(workload.subList(0, 600), posted);

        // the KEK rotation, while the parts still run with the old file
        assertThat(cli("kek", "create", newKek.toString()).exitCode()).isZero();
        String newId = cli("kek", "id", newKek.toString()).out().trim();
        assertThat(newId).matches("[0-9a-f]{8}").isNotEqualTo(oldId);
        long keys = Long.parseLong(Rows.of(pool, "select count(*) from " + NAME + ".subject_keys").get(0));
        CliRun rotate = cli(pg("kek", "rotate", "--kek-file", oldKek.toString(), "--new-kek-file", newKek.toString(),
                "--keys-per-transaction", "2"));
        assertThat(rotate.exitCode()).as(rotate.out() + rotate.err()).isZero();
        assertThat(rotate.out()).contains("from " + oldId + " to " + newId, "transaction 2 committed: 4 data keys",
                "re-wrapped " + keys + " data keys with key-encryption key " + newId, "no event changed");
        // a part still on the old file makes a key for a new subject: wrapped by the old KEK, recorded as such
        post(List.of(LATE_BLOCK.getBytes(StandardCharsets.UTF_8)), posted, true);
        CliRun status = cli(pg("kek", "status", "--kek-file", newKek.toString()));
        assertThat(status.out()).contains(newId + " ", keys + "  (this file opens them)",
                oldId + " ", "1  (NOT opened by this file)");

        // readers: the old file is refused with the id of the one needed, the new one opens everything
        CliRun oldState = cli(pg("state", "agent-bench-1", "--at", "2026-11-24T01:00:00Z", "--kek-file",
                oldKek.toString()));
        assertThat(oldState.exitCode()).as(oldState.out()).isEqualTo(1);
        assertThat(oldState.err()).contains("is wrapped by key-encryption key " + newId,
                "--kek-file whose id is " + newId);
        CliRun oldVerify = cli(kafka(pg("verify", "--group-id", GROUP, "--kek-file", oldKek.toString())));
        assertThat(oldVerify.exitCode()).isNotZero();
        assertThat(oldVerify.out() + oldVerify.err()).contains("--kek-file whose id is " + newId);
        // a sink started with the old file stops at its first batch, naming the file it needs, and applies nothing
        SinkWorker oldSink = new SinkWorker(TestRuntime.get().bootstrapServers(), TOPICS, SinkSettings.defaults()
                .withSchema(NAME).withGroupId(NAME + "-old-file"), pool, new SimpleMeterRegistry(), Map.of(),
                new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(oldKek), Time.SYSTEM)).codec());
        Thread oldSinkThread = new Thread(oldSink, "krot-old-file-sink");
        oldSinkThread.setUncaughtExceptionHandler((t, e) -> { }); // its failure is read below
        oldSinkThread.start();
        Await.until("the sink with the old file to stop", Duration.ofSeconds(60), oldSink::failure, f -> f != null);
        oldSink.close();
        assertThat(oldSink.failure().getMessage()).contains("--kek-file whose id is " + newId, "Nothing was applied");
        assertThat(Rows.of(pool, "select count(*) from " + NAME + ".sink_offsets where consumer_group = '" + NAME
                + "-old-file' and next_offset > 0")).containsExactly("0");
        CliRun newState = cli(pg("state", "agent-bench-1", "--at", "2026-11-24T01:00:00Z", "--kek-file",
                newKek.toString()));
        assertThat(newState.exitCode()).as(newState.err()).isZero();
        assertThat(newState.out()).contains("You are agent 1.");
        // during the switch-over a part given both opens the late key too
        CliRun both = cli(kafka(pg("verify", "--group-id", GROUP, "--kek-file", newKek.toString(), "--previous-kek-file",
                oldKek.toString())));
        assertThat(both.exitCode()).as(both.out() + both.err()).isZero();

        // every part restarts with the new file; the rotation runs again for the keys made meanwhile
        startPipeline(newKek);
        CliRun again = cli(pg("kek", "rotate", "--kek-file", oldKek.toString(), "--new-kek-file", newKek.toString()));
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("re-wrapped 1 data keys");
        post(workload.subList(600, 1_050), posted);

        // data-key rotation, then the parts restart (or their cached keysets expire: at most 30 s)
        Map<String, Set<String>> keyIdsBefore = keyIdsBySubject();
        CliRun dataKeys = cli(pg("kek", "rotate-data-keys", "--kek-file", newKek.toString()));
        assertThat(dataKeys.exitCode()).as(dataKeys.out() + dataKeys.err()).isZero();
        assertThat(dataKeys.out()).contains("added a new primary data key to " + (keys + 1) + " subject(s)");
        startPipeline(newKek);
        post(workload.subList(1_050, workload.size()), posted);
        Map<String, Set<String>> keyIdsAfter = keyIdsBySubject();
        assertThat(keyIdsBefore.get("agent-bench-0")).hasSize(1);
        for (String subject : List.of("agent-bench-0", "agent-bench-1", "agent-bench-2")) {
            assertThat(keyIdsAfter.get(subject)).as(subject).hasSize(2).containsAll(keyIdsBefore.get(subject));
        }

        // every reader opens all history with the new file: verify, rebuild, verify, state; the tables are the fold
        List<String> verifyArgs = List.of("verify", "--group-id", GROUP, "--kek-file", newKek.toString());
        CliRun verify = cli(kafka(pg(verifyArgs.toArray(String[]::new))));
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        CliRun rebuild = cli(kafka(pg("rebuild", "--group-id", GROUP, "--kek-file", newKek.toString(), "--drop-old")));
        assertThat(rebuild.exitCode()).as(rebuild.out() + rebuild.err()).isZero();
        CliRun verifyAgain = cli(kafka(pg(verifyArgs.toArray(String[]::new))));
        assertThat(verifyAgain.exitCode()).as(verifyAgain.out() + verifyAgain.err()).isZero();
        LogFold fold = new LogFold();
        for (byte[] json : posted) {
            fold.apply(EventCodec.standard().decode(json));
        }
        assertThat(fold.state().differencesFrom(ProjectionReader.read(pool, NAME), 10)).isEmpty();
        assertThat(cli(pg("state", "agent-bench-2", "--at", "2026-11-24T01:00:00Z", "--kek-file", newKek.toString()))
                .out()).contains("You are agent 2.");

        // erasure after both rotations: nothing of the agent opens, under the first data key or the second
        CliRun erase = cli(kafka(pg("erase", "agent", "agent-bench-0", "--requested-by", "dpo", "--confirm")));
        assertThat(erase.exitCode()).as(erase.out() + erase.err()).isZero();
        String erasureEvent = erase.out().lines().filter(l -> l.contains("subject.erased event:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        Await.until("the sink to apply " + erasureEvent, Duration.ofSeconds(60), () -> Rows.of(pool,
                "select count(*) from " + NAME + ".events where event_id = '" + erasureEvent + "'"),
                r -> r.equals(List.of("1")));
        EventCodec opening = new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(newKek), Time.SYSTEM))
                .codec();
        int erased = 0;
        for (ConsumerRecord<byte[], byte[]> record : probe.readAll(TOPICS.events())) {
            JsonNode tree = EventCodec.parse(record.value());
            if (tree.path("stream_id").asText().equals("agent-bench-0") && tree.path("payload").has("$sealed")) {
                assertThat(opening.decode(record.value()).payload()).isInstanceOfSatisfying(SealedPayload.class,
                        p -> assertThat(p.erased()).isTrue());
                erased++;
            }
        }
        assertThat(erased).isGreaterThan(10);
        assertThat(Rows.of(pool, "select keyset is null, kek_id from " + NAME + ".subject_keys where subject ="
                + " 'agent-bench-0'")).containsExactly("t | null");
        assertThat(cli(pg("state", "agent-bench-0", "--at", "2026-11-24T01:00:00Z", "--kek-file", newKek.toString()))
                .exitCode()).isEqualTo(1);
        CliRun last = cli(kafka(pg(verifyArgs.toArray(String[]::new))));
        assertThat(last.exitCode()).as(last.out() + last.err()).isZero();
    }

    /** For each subject, the Tink key ids its events in the {@code events} table were sealed under. */
    static Map<String, Set<String>> keyIdsBySubject() throws Exception {
        Map<String, Set<String>> out = new HashMap<>();
        for (String row : Rows.of(pool, "select payload->'$sealed'->>'subject', payload->'$sealed'->>'ct' from " + NAME
                + ".events where payload->'$sealed' ? 'ct'")) {
            String[] parts = row.split(" \\| ");
            byte[] ct = Base64.getDecoder().decode(parts[1]);
            out.computeIfAbsent(parts[0], s -> new HashSet<>()).add(HexFormat.of().formatHex(ct, 1, 5));
        }
        return out;
    }

    static void post(List<WorkloadEvent> events, List<byte[]> posted) throws Exception {
        post(events.stream().map(WorkloadEvent::json).toList(), posted, true);
    }

    static void post(List<byte[]> events, List<byte[]> posted, boolean drain) throws Exception {
        for (int from = 0; from < events.size(); from += 500) {
            List<byte[]> chunk = events.subList(from, Math.min(events.size(), from + 500));
            String body = chunk.stream().map(e -> new String(e, StandardCharsets.UTF_8))
                    .collect(Collectors.joining(",", "[", "]"));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + pipeline.httpPort() + "/v1/events")).header("Authorization", "Bearer " + KEY)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            posted.addAll(chunk);
        }
        if (drain) {
            probe.awaitDrained();
        }
    }

    static String[] pg(String... args) {
        TestRuntime runtime = TestRuntime.get();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", runtime.postgres.user(),
                "--pg-password", runtime.postgres.password(), "--pg-schema", NAME));
        return all.toArray(String[]::new);
    }

    static String[] kafka(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", TestRuntime.get().bootstrapServers(), "--topic-prefix", NAME));
        return all.toArray(String[]::new);
    }

    static CliRun cli(String... args) {
        return CliRun.of(args);
    }
}
