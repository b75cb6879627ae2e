package dev.agentlog.processor.internal;

import dev.agentlog.processor.DeadLetterReason;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception thrown while processing a record (a bug, or input no rule foresaw) sends that record's
 * original key and bytes to the dead-letter topic with reason {@code poison}, in the same transaction, and
 * processing resumes: one bad record never stops the stream. A failure outside a record (a punctuation) has
 * nothing to dead-letter and stops the instance, so that it is seen rather than skipped.
 */
public final class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    private String deadLetterTopic;
    private Counter deadLettered;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = HandlerConfig.deadLetterTopic(configs);
        deadLettered = HandlerConfig.deadLetterCounter(configs, DeadLetterReason.POISON);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Origin origin = new Origin(context.topic(), context.partition(), context.offset());
        if (deadLetterTopic == null || record == null || context.topic() == null) {
            log.error("[{}] processing failed at node {} with nothing to dead-letter; stopping", origin,
                    context.processorNodeId(), exception);
            return Response.fail();
        }
        String rule = "processing failed at node " + context.processorNodeId() + ": " + exception;
        log.error("[{}] refused ({}): {}", origin, DeadLetterReason.POISON, rule, exception);
        if (deadLettered != null) {
            deadLettered.increment();
        }
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, context.timestamp(),
                context.sourceRawKey(), context.sourceRawValue(), DeadLetterRecords.headers(context.headers(),
                DeadLetterReason.POISON, rule, origin, Time.SYSTEM.currentTimeMillis()))));
    }
}
