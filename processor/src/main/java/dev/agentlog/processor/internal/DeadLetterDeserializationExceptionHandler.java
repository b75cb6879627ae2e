package dev.agentlog.processor.internal;

import dev.agentlog.processor.DeadLetterReason;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record the source cannot deserialize goes to the dead-letter topic untouched, with reason
 * {@code invalid}. The topology reads plain bytes, so this is a safety net should a typed source appear.
 */
public final class DeadLetterDeserializationExceptionHandler implements DeserializationExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationExceptionHandler.class);

    private String deadLetterTopic;
    private Counter deadLettered;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = HandlerConfig.deadLetterTopic(configs);
        deadLettered = HandlerConfig.deadLetterCounter(configs, DeadLetterReason.INVALID);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        Origin origin = new Origin(record.topic(), record.partition(), record.offset());
        if (deadLetterTopic == null) {
            log.error("[{}] cannot deserialize the record and no dead-letter topic is configured; stopping", origin,
                    exception);
            return Response.fail();
        }
        String rule = "$: cannot be deserialized: " + exception;
        log.warn("[{}] refused ({}): {}", origin, DeadLetterReason.INVALID, rule);
        if (deadLettered != null) {
            deadLettered.increment();
        }
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, record.timestamp(), record.key(),
                record.value(), DeadLetterRecords.headers(record.headers(), DeadLetterReason.INVALID, rule, origin,
                Time.SYSTEM.currentTimeMillis()))));
    }
}
