package dev.agentlog.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.IngestSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The processor as its own process, SIGKILLed twice mid-stream and restarted: the log of record (read
 * committed) still holds every event exactly once, each stream at contiguous positions in order.
 */
class ProcessorCrashTest {
    static final Topics TOPICS = new Topics("pcrash");
    static final int STREAMS = 20;
    static final int PER_STREAM = 400;

    @Test
    void shouldLoseAndDuplicateNothingWhenTheProcessorIsKilledMidStream() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        Path dir = Files.createDirectories(runtime.dataDir.resolve("pcrash"));
        String[] args = {"processor", "--bootstrap-servers", bootstrap, "--topic-prefix", "pcrash", "--partitions", "3",
                "--application-id", "pcrash-processor", "--data-dir", dir.toString(), "--session-timeout-ms", "6000"};
        PipelineProbe probe = new PipelineProbe(bootstrap, TOPICS, "pcrash-processor", null, null);
        List<List<byte[]>> thirds = producerOrder();
        EventCodec codec = EventCodec.standard();

        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            ChildProcess processor = ChildProcess.startLoggingAsShipped(dir.resolve("processor.log"), args);
            for (int third = 0; third < 3; third++) {
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (byte[] value : thirds.get(third)) {
                    Event event = codec.decode(value);
                    sent.add(producer.send(new ProducerRecord<>(TOPICS.in(), event.streamId().getBytes(StandardCharsets.UTF_8),
                            value)));
                }
                producer.flush();
                for (java.util.concurrent.Future<?> send : sent) {
                    send.get(); // the input is the test's own: what it could not write would look like a loss
                }
                if (third < 2) {
                    long before = total(probe.endOffsets(TOPICS.events()));
                    // Kill it while it is working: once it has written something more to the log of record.
                    try {
                        Await.until("the processor to make progress", Duration.ofSeconds(120),
                                () -> total(probe.endOffsets(TOPICS.events())), n -> n > before);
                    } catch (AssertionError stalled) {
                        throw new AssertionError(stalled.getMessage() + "; the end of the processors' log:\n"
                                + tail(processor.output(), 200), stalled);
                    }
                    processor.kill();
                    processor = ChildProcess.startLoggingAsShipped(dir.resolve("processor.log"), args);
                }
            }
            try {
                probe.awaitProcessorCommitted();
            } finally {
                processor.close();
            }
        }

        List<ConsumerRecord<byte[], byte[]>> log = probe.readAll(TOPICS.events());
        Set<String> ids = new HashSet<>();
        Map<String, List<Long>> positions = new HashMap<>();
        Map<String, List<String>> order = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : log) {
            Event event = codec.decode(record.value());
            ids.add(event.eventId());
            positions.computeIfAbsent(event.streamId(), s -> new ArrayList<>()).add(event.streamSeq());
            order.computeIfAbsent(event.streamId(), s -> new ArrayList<>()).add(event.eventId());
        }
        assertThat(log).hasSize(STREAMS * PER_STREAM);
        assertThat(ids).hasSize(STREAMS * PER_STREAM);
        for (int s = 0; s < STREAMS; s++) {
            String stream = "agent-pcrash-" + s;
            assertThat(positions.get(stream)).as(stream).isEqualTo(java.util.stream.LongStream.rangeClosed(1, PER_STREAM).boxed().toList());
            if (s % 2 == 0) {
                // Sequenced producers: the log keeps their order exactly.
                assertThat(order.get(stream)).as(stream).isEqualTo(java.util.stream.IntStream.range(0, PER_STREAM)
                        .mapToObj(i -> id(stream, i)).toList());
            }
        }
    }

    /** Every event once in stream order, every third one sent twice, interleaved across streams, in thirds. */
    private static List<List<byte[]>> producerOrder() {
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < PER_STREAM; i++) {
            for (int s = 0; s < STREAMS; s++) {
                String stream = "agent-pcrash-" + s;
                String seq = s % 2 == 0 ? ",\"stream_seq\":" + (i + 1) : "";
                byte[] value = ("{\"event_id\":\"" + id(stream, i) + "\",\"type\":\"agent.updated\",\"schema_version\":1,"
                        + "\"stream_id\":\"" + stream + "\"" + seq + ",\"occurred_at\":\"2026-11-24T12:00:00Z\","
                        + "\"payload\":{\"description\":\"step " + i + "\"}}").getBytes(StandardCharsets.UTF_8);
                all.add(value);
                if (i % 3 == 0) {
                    all.add(value);
                }
            }
        }
        int third = all.size() / 3;
        return List.of(all.subList(0, third), all.subList(third, 2 * third), all.subList(2 * third, all.size()));
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String id(String stream, int i) {
        return stream + "-e" + i;
    }

    private static long total(Map<?, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
