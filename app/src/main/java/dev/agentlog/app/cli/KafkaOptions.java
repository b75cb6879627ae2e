package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.events.Topics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Where Kafka is and how agentlog's topics are named and created. */
public final class KafkaOptions extends SettingGroup {
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap-servers").label("HOST:PORT,...")
            .doc("Kafka bootstrap servers. `up` starts an in-process broker when this is not set.");
    public static final Setting<String> TOPIC_PREFIX = Setting.text("topic-prefix")
            .defaultsTo(Topics.DEFAULT.prefix()).label("PREFIX").check(KafkaOptions::topicPrefixProblem)
            .doc("Prefix of the topics (<prefix>.events.in, <prefix>.events, <prefix>.events.dlq), so that several deployments share one cluster.");
    public static final Setting<Integer> PARTITIONS = Setting.count("partitions").defaultsTo(12).check(Check.atLeast(1))
            .doc("Partitions of each topic agentlog creates (existing topics are left as they are). The upper bound of useful sink workers and processor instances.");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.count("replication-factor").defaultsTo(1)
            .check(Check.between(1, Short.MAX_VALUE))
            .doc("Replication factor of the topics agentlog creates and of the processor's internal topics: 3 on a production cluster.");
    public static final Setting<Long> SESSION_TIMEOUT_MS = Setting.millis("session-timeout-ms").defaultsTo(45_000L)
            .check(Check.between(1000, Integer.MAX_VALUE))
            .doc("How long a silent processor instance or sink worker keeps its partitions before the group gives them to others (Kafka's session.timeout.ms; the broker allows 6000 and up by default).");

    /** For `up` and the commands that need Kafka only in some of their modes. */
    public KafkaOptions() {
        super(BOOTSTRAP_SERVERS, TOPIC_PREFIX, PARTITIONS, REPLICATION_FACTOR, SESSION_TIMEOUT_MS);
    }

    /** For the commands that cannot do without a Kafka cluster. */
    public static KafkaOptions required() {
        KafkaOptions options = new KafkaOptions();
        options.require(BOOTSTRAP_SERVERS);
        return options;
    }

    public String bootstrapServers() {
        return get(BOOTSTRAP_SERVERS);
    }

    public Topics topics() {
        return new Topics(get(TOPIC_PREFIX));
    }

    public int partitions() {
        return get(PARTITIONS);
    }

    public short replicationFactor() {
        return get(REPLICATION_FACTOR).shortValue();
    }

    /** Client properties of the processor's and the sink's consumers. */
    public Map<String, Object> clientProperties() {
        int sessionTimeoutMs = get(SESSION_TIMEOUT_MS).intValue();
        // Three heartbeats per session, as Kafka recommends, but at most every 3 s (its default).
        return Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.min(3000, sessionTimeoutMs / 3));
    }

    private static String topicPrefixProblem(String prefix) {
        try {
            new Topics(prefix);
            return null;
        } catch (IllegalArgumentException e) {
            return "must be 1..200 of [a-zA-Z0-9._-] (it starts topic names)";
        }
    }
}
