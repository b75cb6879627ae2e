package dev.agentlog.events;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names of a dead-letter record. The record keeps the original key and value bytes; these say
 * why it was refused and where it came from, so that {@code dlq list} can show it and {@code dlq
 * replay} can send a fixed version back.
 */
public final class DeadLetterHeaders {
    /** A short machine-readable class: invalid, conflict, gap, tenant, unknown_type, poison, ... */
    public static final String REASON = "agentlog.dlq.reason";
    /** The failing rule in words, e.g. {@code payload.message_id: is required}. */
    public static final String RULE = "agentlog.dlq.rule";
    public static final String SOURCE_TOPIC = "agentlog.dlq.source.topic";
    public static final String SOURCE_PARTITION = "agentlog.dlq.source.partition";
    public static final String SOURCE_OFFSET = "agentlog.dlq.source.offset";
    /** When it was refused, RFC 3339. */
    public static final String REFUSED_AT = "agentlog.dlq.refused_at";
    /** Which part refused it: processor, sink. */
    public static final String REFUSED_BY = "agentlog.dlq.refused_by";

    private DeadLetterHeaders() {}

    public static void put(Headers headers, String name, Object value) {
        if (value != null) {
            headers.remove(name);
            headers.add(name, value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
