package dev.agentlog.processor;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.processor.internal.Shortcuts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The real topology and the real Streams config in a TopologyTestDriver, with typed helpers for the tests. */
final class TopologyHarness implements AutoCloseable {
    static final Topics TOPICS = Topics.DEFAULT;
    static final long GAP_TIMEOUT_MS = 30_000;
    static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> in;
    final TestOutputTopic<byte[], byte[]> events;
    final TestOutputTopic<byte[], byte[]> dlq;
    private final Path stateDir;

    TopologyHarness() {
        this(EventCodec.standard(), settings -> settings);
    }

    TopologyHarness(EventCodec codec, UnaryOperator<ProcessorSettings> adjust) {
        this(codec, adjust, Shortcuts.ON);
    }

    TopologyHarness(EventCodec codec, UnaryOperator<ProcessorSettings> adjust, Shortcuts shortcuts) {
        try {
            stateDir = Files.createTempDirectory(Path.of("target"), "topology-state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessorSettings settings = adjust.apply(ProcessorSettings.defaults(stateDir).withGapTimeoutMs(GAP_TIMEOUT_MS));
        Properties config = ProcessorTopology.streamsConfig("unused:9092", TOPICS, settings, registry);
        driver = new TopologyTestDriver(ProcessorTopology.build(TOPICS, settings, codec, registry, shortcuts), config,
                START);
        in = driver.createInputTopic(TOPICS.in(), new ByteArraySerializer(), new ByteArraySerializer(), START,
                Duration.ofMillis(1));
        events = driver.createOutputTopic(TOPICS.events(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(TOPICS.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Sends a JSON event keyed by its stream_id, as ingest does. */
    void send(String streamId, String json) {
        in.pipeInput(utf8(streamId), utf8(json));
    }

    void sendRaw(byte[] key, byte[] value) {
        in.pipeInput(key, value);
    }

    List<TestRecord<byte[], byte[]>> eventsOfRecord() {
        return events.readRecordsToList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return dlq.readRecordsToList();
    }

    double counter(String name) {
        return registry.get(name).counter().count();
    }

    double deadLettered(DeadLetterReason reason) {
        return registry.get(ProcessorMetrics.DEAD_LETTERED).tag(ProcessorMetrics.REASON_TAG, reason.wireName())
                .counter().count();
    }

    double waiting() {
        return registry.get(ProcessorMetrics.WAITING).gauge().value();
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        Headers headers = record.headers();
        return DeadLetterHeaders.get(headers, name);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
        deleteQuietly(stateDir);
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover directory under target/ is harmless
        }
    }
}
