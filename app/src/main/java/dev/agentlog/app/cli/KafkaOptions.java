package dev.agentlog.app.cli;

import dev.agentlog.events.Topics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Option;

/** Where Kafka is and how agentlog's topics are named and created. */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers. `up` starts an in-process broker when this is not set.")
    public String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "agentlog", paramLabel = "PREFIX",
            description = "Prefix of the topics (<prefix>.events.in, <prefix>.events, <prefix>.events.dlq), so that several deployments share one cluster.")
    public String topicPrefix;

    @Option(names = "--partitions", defaultValue = "12", paramLabel = "N",
            description = "Partitions of each topic agentlog creates (existing topics are left as they are). The upper bound of useful sink workers and processor instances.")
    public int partitions;

    @Option(names = "--replication-factor", defaultValue = "1", paramLabel = "N",
            description = "Replication factor of the topics agentlog creates and of the processor's internal topics: 3 on a production cluster.")
    public short replicationFactor;

    @Option(names = "--session-timeout-ms", defaultValue = "45000", paramLabel = "MS",
            description = "How long a silent processor instance or sink worker keeps its partitions before the group gives them to others (Kafka's session.timeout.ms; the broker allows 6000 and up by default).")
    public int sessionTimeoutMs;

    /** Client properties of the processor's and the sink's consumers. */
    public Map<String, Object> clientProperties() {
        // Three heartbeats per session, as Kafka recommends, but at most every 3 s (its default).
        return Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.min(3000, sessionTimeoutMs / 3));
    }

    public Topics topics() {
        try {
            return new Topics(topicPrefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--topic-prefix: " + e.getMessage());
        }
    }

    public void validate() {
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, was " + partitions);
        }
        if (sessionTimeoutMs < 1000) {
            throw new IllegalArgumentException("--session-timeout-ms must be >= 1000, was " + sessionTimeoutMs);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("--replication-factor must be >= 1, was " + replicationFactor);
        }
    }
}
