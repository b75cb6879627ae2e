package dev.agentlog.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.cli.ExitCodes;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.IngestSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A processor whose Kafka Streams client stopped on a failure no new stream thread can pass ends its process with
 * exit code 1: living on with nothing processed, it would look healthy to a supervisor that restarts dead processes.
 * The failure here is a producer that cannot send the processor's records (max.request.size below an event's size).
 */
class ProcessorFatalExitTest {
    static final Topics TOPICS = new Topics("pfatal");

    @Test
    void shouldExitNonZeroWhenTheProcessorStopsOnAFailureItCannotPass() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, TOPICS, 1, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        Path dir = Files.createDirectories(runtime.dataDir.resolve("pfatal"));
        ChildProcess processor = ChildProcess.start(dir.resolve("processor.log"), "processor", "--bootstrap-servers",
                bootstrap, "--topic-prefix", "pfatal", "--partitions", "1", "--application-id", "pfatal-processor",
                "--data-dir", dir.toString(), "--kafka-property", "max.request.size=200");
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            String stream = "agent-pfatal";
            byte[] event = ("{\"event_id\":\"pfatal-1\",\"type\":\"agent.updated\",\"schema_version\":1,\"stream_id\":\""
                    + stream + "\",\"occurred_at\":\"2026-12-07T04:00:00Z\",\"payload\":{\"description\":\""
                    + "x".repeat(400) + "\"}}").getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(TOPICS.in(), stream.getBytes(StandardCharsets.UTF_8), event)).get();
        }
        OptionalInt exit;
        try {
            exit = processor.awaitExit(Duration.ofMinutes(3));
        } finally {
            processor.close();
        }
        assertThat(exit).as(processor.output()).hasValue(ExitCodes.FAILURE);
        assertThat(processor.output()).contains("stopped on a failure it cannot pass")
                .contains("so that a supervisor restarts this process");
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
