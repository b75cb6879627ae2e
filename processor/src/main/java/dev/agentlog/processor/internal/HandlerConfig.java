package dev.agentlog.processor.internal;

import dev.agentlog.events.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** What the exception handlers, created by Kafka Streams from class names, take from the Streams config. */
public final class HandlerConfig {
    /** Not a Kafka setting: the MeterRegistry object itself, passed through the config map. */
    public static final String METER_REGISTRY = "agentlog.processor.meter.registry";

    private HandlerConfig() {}

    static String deadLetterTopic(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return topic == null || topic.toString().isBlank() ? null : topic.toString();
    }

    static Counter deadLetterCounter(Map<String, ?> configs, DeadLetterReason reason) {
        Object registry = configs.get(METER_REGISTRY);
        if (registry instanceof MeterRegistry meters) {
            return Counter.builder(dev.agentlog.processor.ProcessorMetrics.DEAD_LETTERED)
                    .tag(dev.agentlog.processor.ProcessorMetrics.REASON_TAG, reason.wireName())
                    .description("records sent to the dead-letter topic").register(meters);
        }
        return null;
    }
}
