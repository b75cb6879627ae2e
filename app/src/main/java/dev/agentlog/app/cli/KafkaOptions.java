package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.events.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Where Kafka is, how agentlog's clients reach it, and how agentlog's topics are named and created. The client
 * settings of --kafka-config and --kafka-property go to every Kafka client agentlog creates; those agentlog's
 * guarantees rest on are refused ({@link KafkaClientConfig#GUARANTEES}).
 */
public final class KafkaOptions extends SettingGroup {
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap-servers").label("HOST:PORT,...")
            .doc("Kafka bootstrap servers (or bootstrap.servers in --kafka-config). `up` starts an in-process broker when neither is set.");
    public static final Setting<Path> KAFKA_CONFIG = Setting.path("kafka-config").label("FILE")
            .doc("Kafka client settings as a Java properties file, as Kafka's tools take with --command-config (security.protocol, sasl.*, ssl.*): given to every Kafka client agentlog creates. Settings agentlog's guarantees rest on (acks, idempotence, isolation.level, processing.guarantee, ...) are refused.");
    public static final Setting<List<String>> KAFKA_PROPERTY = Setting.repeated("kafka-property").label("KEY=VALUE")
            .shownAs(KafkaClientConfig::maskProperty)
            .doc("One Kafka client setting, repeatable; wins over --kafka-config. Secret values (sasl.jaas.config, *.password, ssl.key*) are never printed.");
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

    private final boolean bootstrapRequired;
    private KafkaClientConfig clientConfig = KafkaClientConfig.empty();

    /** For `up` and the commands that need Kafka only in some of their modes. */
    public KafkaOptions() {
        this(false);
    }

    private KafkaOptions(boolean bootstrapRequired) {
        super(BOOTSTRAP_SERVERS, KAFKA_CONFIG, KAFKA_PROPERTY, TOPIC_PREFIX, PARTITIONS, REPLICATION_FACTOR,
                SESSION_TIMEOUT_MS);
        this.bootstrapRequired = bootstrapRequired;
    }

    /** For the commands that cannot do without a Kafka cluster. */
    public static KafkaOptions required() {
        return new KafkaOptions(true);
    }

    @Override
    protected void check(List<String> problems) {
        List<String> own = new ArrayList<>();
        String fileOption = KAFKA_CONFIG.option();
        clientConfig = KafkaClientConfig.load(get(KAFKA_CONFIG), get(KAFKA_PROPERTY), fileOption, KAFKA_PROPERTY.option(),
                own);
        String source = fileOption + "/" + KAFKA_PROPERTY.option();
        clientConfig.checkGuarantees(source, own);
        String fromConfig = clientConfig.get("bootstrap.servers");
        String given = get(BOOTSTRAP_SERVERS);
        if (given != null && fromConfig != null && !given.equals(fromConfig)) {
            own.add(BOOTSTRAP_SERVERS.option() + " (" + given + ") and bootstrap.servers in " + source + " ("
                    + fromConfig + ") differ: set one of them");
        }
        if (bootstrapRequired && bootstrapServers() == null) {
            own.add(BOOTSTRAP_SERVERS.option() + " is required (or set " + BOOTSTRAP_SERVERS.environmentVariable()
                    + ", or bootstrap.servers in " + fileOption + ")");
        }
        clientConfig.checkOwnedBy(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS.option(),
                get(SESSION_TIMEOUT_MS), source, own);
        clientConfig.checkOwnedBy(ConsumerConfig.GROUP_ID_CONFIG, SinkOptions.GROUP_ID.option(), null, source, own);
        clientConfig.checkOwnedBy(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, SinkOptions.GROUP_INSTANCE_ID.option(), null,
                source, own);
        clientConfig.checkOwnedBy(StreamsConfig.APPLICATION_ID_CONFIG, ProcessorOptions.APPLICATION_ID.option(), null,
                source, own);
        clientConfig.checkOwnedBy(StreamsConfig.STATE_DIR_CONFIG, ProcessorOptions.STATE_DIR.option(), null, source, own);
        clientConfig.checkOwnedBy(StreamsConfig.REPLICATION_FACTOR_CONFIG, REPLICATION_FACTOR.option(), null, source, own);
        clientConfig.checkOwnedBy(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, ProcessorOptions.STANDBY_REPLICAS.option(),
                null, source, own);
        clientConfig.checkOwnedBy(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, ProcessorOptions.COMMIT_INTERVAL_MS.option(),
                null, source, own);
        problems.addAll(own);
    }

    /** --bootstrap-servers, else bootstrap.servers of --kafka-config; null when neither is set. */
    public String bootstrapServers() {
        String given = get(BOOTSTRAP_SERVERS);
        return given != null ? given : clientConfig.get("bootstrap.servers");
    }

    /** True when --kafka-config or --kafka-property set anything. */
    public boolean hasClientConfig() {
        return !clientConfig.isEmpty();
    }

    /** How agentlog's clients reach Kafka: the bootstrap servers, the user's client settings, the group timeouts. */
    public KafkaClients clients() {
        return clients(bootstrapServers());
    }

    /** As {@link #clients()}, against {@code bootstrapServers} (the in-process broker of `up`). */
    public KafkaClients clients(String bootstrapServers) {
        int sessionTimeoutMs = get(SESSION_TIMEOUT_MS).intValue();
        // Three heartbeats per session, as Kafka recommends, but at most every 3 s (its default).
        Map<String, Object> groupMember = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.min(3000, sessionTimeoutMs / 3));
        return new KafkaClients(bootstrapServers, clientConfig.overrides(), groupMember, clientConfig.masked());
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

    @Override
    public Map<String, String> describe() {
        Map<String, String> described = super.describe();
        described.remove(KAFKA_PROPERTY.option());
        if (!clientConfig.isEmpty()) {
            described.put("kafka client settings", clientConfig.masked().toString());
        }
        return described;
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
