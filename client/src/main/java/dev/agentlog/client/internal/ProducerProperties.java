package dev.agentlog.client.internal;

import dev.agentlog.client.PublisherSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The producer configuration behind agentlog's promise "acknowledged = in Kafka with acks=all". */
public final class ProducerProperties {
    /** Room for the key (a stream_id of up to 256 chars), headers and the record batch around one event. */
    static final int REQUEST_HEADROOM_BYTES = 64 * 1024;
    static final int DEFAULT_LINGER_MS = 5;
    private static final int KAFKA_DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

    private ProducerProperties() {}

    /**
     * Our defaults, then {@code extra} (which may tune anything except what the guarantee rests on), then
     * the settings that make the guarantee.
     *
     * @throws IllegalArgumentException when {@code extra} would weaken the guarantee
     */
    public static Map<String, Object> build(String bootstrapServers, String clientId, PublisherSettings settings,
            Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // lz4: measured here as fast as no compression, with 2.5x less disk and lower latency.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A few ms of batching: throughput under load without a latency a caller would notice.
        props.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        // One event of the largest allowed size must fit in a produce request.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxEventBytes() + REQUEST_HEADROOM_BYTES);
        // An unreachable Kafka fails send() within the publish timeout, not after the default 60 s.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.publishTimeoutMs());
        // An unacknowledged record fails within the publish timeout, not after the default 2 minutes.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) settings.publishTimeoutMs());
        if (extra != null) {
            extra.forEach((key, value) -> {
                if (value != null) {
                    props.put(key, value);
                }
            });
        }
        refuseWeakening(props, ProducerConfig.ACKS_CONFIG, "all", "-1");
        refuseWeakening(props, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Acknowledged only once every in-sync replica has the record (contract section 3, point 1).
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries inside the producer can neither duplicate nor reorder records of a partition.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        if (extra == null || !extra.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)) {
            long linger = Long.parseLong(String.valueOf(props.get(ProducerConfig.LINGER_MS_CONFIG)));
            long delivery = Long.parseLong(String.valueOf(props.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)));
            long request = Math.max(1, Math.min(KAFKA_DEFAULT_REQUEST_TIMEOUT_MS, delivery - linger));
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
        }
        return props;
    }

    private static void refuseWeakening(Map<String, Object> props, String key, String... allowed) {
        Object value = props.get(key);
        if (value == null) {
            return;
        }
        for (String ok : allowed) {
            if (ok.equalsIgnoreCase(String.valueOf(value).trim())) {
                return;
            }
        }
        throw new IllegalArgumentException("producer property " + key + "=" + value + " would break agentlog's "
                + "guarantee (acknowledged = in Kafka with acks=all, idempotent): remove it");
    }
}
