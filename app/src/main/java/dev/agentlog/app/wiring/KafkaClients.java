package dev.agentlog.app.wiring;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How every Kafka client of one process reaches Kafka: the bootstrap servers and the user's client settings
 * (security, TLS, SASL: {@code --kafka-config}, {@code --kafka-property}), already checked against agentlog's
 * guarantees. Each client applies its own settings over these (its serializers, acks, isolation level), so the
 * user's settings tune a client but never change what it promises.
 *
 * @param bootstrapServers where Kafka is
 * @param overrides        the user's client settings, for every client
 * @param groupMember      what members of a consumer group (the sink's consumers, Kafka Streams) add: timeouts
 * @param masked           the user's settings as they may be printed
 */
public record KafkaClients(String bootstrapServers, Map<String, Object> overrides, Map<String, Object> groupMember,
        Map<String, String> masked) {

    public KafkaClients {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        overrides = Map.copyOf(overrides);
        groupMember = Map.copyOf(groupMember);
        masked = Map.copyOf(masked);
    }

    /** Kafka at {@code bootstrapServers} with no client settings of the user's (the in-process broker, tests). */
    public static KafkaClients plain(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, Map.of(), Map.of(), Map.of());
    }

    /** For a producer, an admin client or a reader outside any group. */
    public Map<String, Object> common() {
        return overrides;
    }

    /** For a member of a consumer group: the user's settings and the group's timeouts. */
    public Map<String, Object> forGroupMember() {
        Map<String, Object> properties = new HashMap<>(overrides);
        properties.putAll(groupMember);
        return Map.copyOf(properties);
    }

    /** The security protocol the clients use ({@code PLAINTEXT} unless set). */
    public String securityProtocol() {
        return String.valueOf(overrides.getOrDefault("security.protocol", "PLAINTEXT"));
    }

    /** Bootstrap servers and the settings, secrets masked. */
    @Override
    public String toString() {
        return bootstrapServers + (masked.isEmpty() ? "" : " " + masked);
    }
}
