package dev.agentlog.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sink as separate processes (`agentlog sink`), SIGKILLed at random moments at least 20 times while
 * 100k events flow into the log of record, restarted each time. Afterwards every projection equals the
 * fold of the log, `events` holds each event once, and no offset was skipped. With one worker (static
 * membership, it takes its partitions straight back) and with two workers killed alternately (dynamic
 * membership: every kill and restart is a rebalance).
 */
class SinkCrashTest {
    static final int EVENTS = 100_000;
    static final int KILLS = 20;

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void shouldApplyEveryEventExactlyOnceAcrossRepeatedSigkills(int workers) throws Exception {
        long seed = System.nanoTime();
        System.out.println("SinkCrashTest seed " + seed + " workers " + workers);
        Random random = new Random(seed);
        String name = "scrash" + workers;
        Topics topics = new Topics(name);
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, topics, 6, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        Path dir = Files.createDirectories(runtime.dataDir.resolve(name));
        List<WorkloadEvent> log = new LettaWorkload(seed, EVENTS, 40).endingWithDeletes().toList();

        try (HikariDataSource pool = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(),
                runtime.postgres.password(), 2, name)) {
            SchemaMigrator.migrate(pool, name);
            PipelineProbe probe = new PipelineProbe(bootstrap, topics, "unused", pool, name);
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produceSteadily(bootstrap, topics, log));
            List<ChildProcess> sinks = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                sinks.add(startSink(dir, bootstrap, name, w, workers));
            }
            try {
                for (int kill = 0; kill < KILLS; kill++) {
                    int victim = kill % workers;
                    long applied = probe.count("events");
                    // A random moment, but one at which it is applying: after it applied more than before.
                    Await.until("sink progress before kill " + kill, Duration.ofSeconds(120), () -> probe.count("events"),
                            n -> n > applied || n == log.size());
                    Thread.sleep(random.nextInt(400)); // the random moment itself, not a synchronization
                    sinks.get(victim).kill();
                    sinks.set(victim, startSink(dir, bootstrap, name, victim, workers));
                }
                producing.join();
                Await.until("all " + log.size() + " events applied", Duration.ofSeconds(300), () -> probe.count("events"),
                        n -> n == log.size());
            } finally {
                for (ChildProcess sink : sinks) {
                    sink.close();
                }
            }

            List<ConsumerRecord<byte[], byte[]>> records = probe.readAll(topics.events());
            LogFold fold = new LogFold();
            EventCodec codec = EventCodec.standard();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                fold.apply(codec.decode(record.value()));
            }
            assertThat(fold.state().differencesFrom(ProjectionReader.read(pool, name), 10)).isEmpty();
            assertThat(Rows.of(pool, "select count(*), count(distinct event_id) from " + name + ".events"))
                    .containsExactly(log.size() + " | " + log.size());
            Map<TopicPartition, Long> end = probe.endOffsets(topics.events());
            for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
                int p = partition.getKey().partition();
                // No offset skipped: every offset of the partition is in the events table, and the stored next offset is the end.
                assertThat(Rows.of(pool, "select count(*), coalesce(min(kafka_offset), 0), coalesce(max(kafka_offset), -1) from "
                        + name + ".events where kafka_partition = " + p))
                        .containsExactly(partition.getValue() + " | 0 | " + (partition.getValue() - 1));
                assertThat(Rows.of(pool, "select next_offset from " + name + ".sink_offsets where partition = " + p))
                        .containsExactly(String.valueOf(partition.getValue()));
            }
        }
    }

    private static ChildProcess startSink(Path dir, String bootstrap, String name, int worker, int workers) throws Exception {
        TestRuntime runtime = TestRuntime.get();
        List<String> args = new ArrayList<>(List.of("sink", "--bootstrap-servers", bootstrap, "--topic-prefix", name,
                "--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", runtime.postgres.user(), "--pg-schema", name,
                "--group-id", name + "-sink", "--session-timeout-ms", "6000", "--batch-max-events", "500"));
        if (workers == 1) {
            args.addAll(List.of("--group-instance-id", name + "-w" + worker));
        }
        return ChildProcess.start(dir.resolve("sink-" + worker + ".log"), args.toArray(String[]::new));
    }

    /** The log of record grows while the sinks are killed: about 100k events over some tens of seconds. */
    private static void produceSteadily(String bootstrap, Topics topics, List<WorkloadEvent> log) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            int chunk = log.size() / 40;
            for (int i = 0; i < log.size(); i++) {
                WorkloadEvent r = log.get(i);
                producer.send(new ProducerRecord<>(topics.events(), r.streamId().getBytes(StandardCharsets.UTF_8),
                        r.json()));
                if (i % chunk == chunk - 1) {
                    producer.flush();
                    try {
                        Thread.sleep(500); // pacing of the load generator, not synchronization
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            producer.flush();
        }
    }
}
