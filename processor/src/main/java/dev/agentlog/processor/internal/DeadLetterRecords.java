package dev.agentlog.processor.internal;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.Timestamps;
import dev.agentlog.processor.DeadLetterReason;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The headers of a dead-letter record, built in one place for the processor and both exception handlers. */
public final class DeadLetterRecords {
    public static final String REFUSED_BY_PROCESSOR = "processor";
    /** Headers are not meant for essays: a rule longer than this is cut (the original bytes are kept whole). */
    static final int MAX_RULE_CHARS = 8_000;

    private DeadLetterRecords() {}

    /** The original headers (kept: they may carry tracing) plus the reason, the rule and the origin. */
    public static Headers headers(Headers original, DeadLetterReason reason, String rule, Origin origin,
            long refusedAtMs) {
        Headers headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, reason.wireName());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.RULE, truncate(rule));
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_TOPIC, origin.topic());
        if (origin.topic() != null) {
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_PARTITION, origin.partition());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_OFFSET, origin.offset());
        }
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REFUSED_AT,
                Timestamps.format(Instant.ofEpochMilli(refusedAtMs).atOffset(ZoneOffset.UTC)));
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REFUSED_BY, REFUSED_BY_PROCESSOR);
        return headers;
    }

    static String truncate(String rule) {
        String text = rule == null ? "(no rule given)" : rule;
        return text.length() <= MAX_RULE_CHARS ? text : text.substring(0, MAX_RULE_CHARS) + "... (cut)";
    }
}
