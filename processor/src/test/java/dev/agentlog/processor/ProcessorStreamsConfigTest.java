package dev.agentlog.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka clients Kafka Streams makes from the processor's configuration, as Streams itself derives them. */
class ProcessorStreamsConfigTest {
    private static StreamsConfig config() {
        return new StreamsConfig(ProcessorTopology.streamsConfig("localhost:9092", new Topics("agentlog"),
                ProcessorSettings.defaults(Path.of("state")), new SimpleMeterRegistry()));
    }

    @Test
    void shouldRetryAConcurrentTransactionSoonerThanKafkasDefaultWithTheSameCeiling() {
        Map<String, Object> producer = config().getProducerConfigs("agentlog-processor-test");

        assertThat(producer.get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG).toString())
                .isEqualTo(String.valueOf(ProcessorTopology.PRODUCER_RETRY_BACKOFF_MS));
        assertThat(producer).doesNotContainKey(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG);
    }

    @Test
    void shouldStayExactlyOnce() {
        assertThat(config().getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }
}
