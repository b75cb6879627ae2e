package dev.agentlog.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.crash.ChildProcess;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.SchemaMigrator;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's second test: encryption on, every part restarted, the sink SIGKILLed mid-batch. A Letta workload goes in
 * over HTTP (sealed at ingest); ingest and the processor are stopped and started again twice while it flows, and the
 * sink (its own JVM, with --kek-file, reading the data keys ingest made) is SIGKILLed at random moments while it
 * applies, and restarted. Afterwards nothing is lost and nothing doubled: {@code events} holds each event once with its
 * payload sealed, no offset was skipped, and every projection equals the fold of the log opened with the keys, which
 * equals the fold of the plaintext workload.
 */
class EncryptedPipelineCrashTest {
    static final String NAME = "ecrash";
    static final Topics TOPICS = new Topics(NAME);
    static final String GROUP = NAME + "-sink";
    static final String PROCESSOR_ID = NAME + "-processor";
    static final String KEY = "ecrash-key-0123456789abcdef";
    static final int EVENTS = 20_000;
    static final int KILLS = 10;
    static final int CHUNK = 500;

    final HttpClient http = HttpClient.newHttpClient();
    volatile Pipeline front;

    @Test
    void shouldApplyEveryEncryptedEventExactlyOnceAcrossRestartsAndSigkills() throws Exception {
        long seed = System.nanoTime();
        System.out.println("EncryptedPipelineCrashTest seed " + seed);
        Random random = new Random(seed);
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 6, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        Path dir = Files.createDirectories(runtime.dataDir.resolve(NAME));
        Path kekFile = dir.resolve("kek.json");
        Files.deleteIfExists(kekFile);
        KeyEncryptionKey.create(kekFile);
        List<WorkloadEvent> log = new LettaWorkload(seed, EVENTS, 20).toList();

        try (HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(),
                runtime.postgres.password(), 4, NAME);
             KafkaReadiness readiness = new KafkaReadiness(bootstrap)) {
            SchemaMigrator.migrate(pool, NAME);
            EventCodec codec = new PayloadCipher(new SubjectKeys(pool, NAME, KeyEncryptionKey.load(kekFile),
                    Time.SYSTEM)).codec();
            PipelineProbe probe = new PipelineProbe(bootstrap, TOPICS, PROCESSOR_ID, pool, NAME);
            front = startFront(codec, readiness);
            List<ChildProcess> sinks = new ArrayList<>(List.of(startSink(dir, kekFile)));
            CompletableFuture<Void> posting = CompletableFuture.runAsync(() -> postRestartingTheFront(log, codec,
                    readiness));
            try {
                for (int kill = 0; kill < KILLS; kill++) {
                    long applied = probe.count("events");
                    Await.until("sink progress before kill " + kill, Duration.ofSeconds(180), () -> probe.count("events"),
                            n -> n > applied || n == log.size());
                    Thread.sleep(random.nextInt(400)); // the random moment itself, not a synchronization
                    sinks.get(0).kill();
                    sinks.set(0, startSink(dir, kekFile));
                }
                posting.join();
                Await.until("all " + log.size() + " events applied", Duration.ofSeconds(300),
                        () -> probe.count("events"), n -> n == log.size());
            } finally {
                for (ChildProcess sink : sinks) {
                    sink.close();
                }
                front.close();
            }

            assertThat(Rows.of(pool, "select count(*), count(distinct event_id), count(*) filter (where (payload ->"
                    + " '$sealed') is not null) from " + NAME + ".events")).containsExactly(log.size() + " | " + log.size() + " | "
                    + log.size());
            List<ConsumerRecord<byte[], byte[]>> records = probe.readAll(TOPICS.events());
            assertThat(records).hasSize(log.size());
            LogFold opened = new LogFold();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                opened.apply(codec.decode(record.value()));
            }
            assertThat(opened.state().differencesFrom(ProjectionReader.read(pool, NAME), 10)).isEmpty();
            LogFold plain = new LogFold();
            EventCodec standard = EventCodec.standard();
            for (WorkloadEvent e : log) {
                plain.apply(standard.decode(e.json()));
            }
            assertThat(plain.state().differencesFrom(ProjectionReader.read(pool, NAME), 10)).isEmpty();
            Set<String> texts = Plaintexts.of(log.subList(0, 2_000), log.stream().map(WorkloadEvent::streamId)
                    .collect(Collectors.toSet()));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                assertThat(Plaintexts.foundIn(record.value(), texts)).isNull();
            }
            // no record skipped, none twice: the processor writes the log in transactions, so its offsets have gaps
            // (the commit markers); every record read is in events at its own position
            Set<String> positions = records.stream().map(r -> r.partition() + "@" + r.offset())
                    .collect(Collectors.toSet());
            assertThat(Set.copyOf(Rows.of(pool, "select kafka_partition || '@' || kafka_offset from " + NAME + ".events")))
                    .isEqualTo(positions);
            Map<Integer, Long> lastOffsets = records.stream().collect(Collectors.toMap(ConsumerRecord::partition,
                    ConsumerRecord::offset, Math::max));
            for (Map.Entry<Integer, Long> last : lastOffsets.entrySet()) {
                long stored = Long.parseLong(Rows.of(pool, "select next_offset from " + NAME + ".sink_offsets where"
                        + " partition = " + last.getKey()).get(0));
                assertThat(stored).as("stored next offset of partition " + last.getKey()).isGreaterThan(last.getValue());
            }
        }
    }

    /** Ingest and the processor, in this JVM, with the sealing codec. */
    private Pipeline startFront(EventCodec codec, KafkaReadiness readiness) {
        TestRuntime runtime = TestRuntime.get();
        return new Pipeline(runtime.bootstrapServers(), TOPICS, new SimpleMeterRegistry()).withCodec(codec)
                .startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve(PROCESSOR_ID))
                        .withApplicationId(PROCESSOR_ID))
                .startIngest(IngestSettings.defaults(ApiKeys.parseKeyFile("w events:write " + ApiKeys.hash(KEY),
                        "test keys")).withPort(0), () -> "", readiness, server -> { });
    }

    /** Posts the workload in order; ingest and the processor are stopped and started again after each third. */
    private void postRestartingTheFront(List<WorkloadEvent> log, EventCodec codec, KafkaReadiness readiness) {
        try {
            int chunks = (log.size() + CHUNK - 1) / CHUNK;
            for (int i = 0; i < chunks; i++) {
                if (i == chunks / 3 || i == 2 * chunks / 3) {
                    front.close();
                    front = startFront(codec, readiness);
                }
                String body = log.subList(i * CHUNK, Math.min(log.size(), (i + 1) * CHUNK)).stream()
                        .map(e -> new String(e.json(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining(",", "[", "]"));
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + front.httpPort() + "/v1/events")).header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (posted.statusCode() != 202) {
                    throw new IllegalStateException("chunk " + i + ": " + posted.statusCode() + " " + posted.body());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ChildProcess startSink(Path dir, Path kekFile) throws Exception {
        TestRuntime runtime = TestRuntime.get();
        return ChildProcess.start(dir.resolve("sink.log"), "sink", "--bootstrap-servers", runtime.bootstrapServers(),
                "--topic-prefix", NAME, "--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", runtime.postgres.user(),
                "--pg-password", runtime.postgres.password(), "--pg-schema", NAME, "--group-id", GROUP,
                "--session-timeout-ms", "6000", "--batch-max-events", "500", "--group-instance-id", NAME + "-w0",
                "--kek-file", kekFile.toString());
    }
}
