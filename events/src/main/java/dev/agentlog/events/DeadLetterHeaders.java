package dev.agentlog.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead-letter record, made by {@link #of} for every part that refuses records (the processor, its
 * exception handlers, the sink), and read back by {@code dlq list}. A dead letter is the refused record as it was
 * (key, value, timestamp, its own headers: they may carry tracing) plus these headers, whose values are UTF-8 text
 * (enums as their wire names), so that any Kafka tool shows them as they are. Readers take records without
 * {@link #RULE_CODES} (written before it existed) and reasons they do not know.
 */
public final class DeadLetterHeaders {
    /** Why: a {@link DeadLetterReason}'s wire name (invalid, conflict, gap, tenant, unknown_type, poison, ...). */
    public static final String REASON = "agentlog.dlq.reason";
    /** The failing rule in words, e.g. {@code payload.message_id: is required}; at most {@link #MAX_RULE_CHARS}. */
    public static final String RULE = "agentlog.dlq.rule";
    /**
     * The kinds of rule broken, {@link RuleCode} wire names separated by commas ({@code required,wrong_type});
     * absent when the reason is not a broken rule (conflict, gap, tenant, poison).
     */
    public static final String RULE_CODES = "agentlog.dlq.rule_codes";
    public static final String SOURCE_TOPIC = "agentlog.dlq.source.topic";
    public static final String SOURCE_PARTITION = "agentlog.dlq.source.partition";
    public static final String SOURCE_OFFSET = "agentlog.dlq.source.offset";
    /** When it was refused, RFC 3339. */
    public static final String REFUSED_AT = "agentlog.dlq.refused_at";
    /** Which part refused it: a {@link RefusedBy}'s wire name. */
    public static final String REFUSED_BY = "agentlog.dlq.refused_by";
    /** Every header above: a record refused again (replayed, refused again) carries only the latest set. */
    public static final Set<String> ALL = Set.of(REASON, RULE, RULE_CODES, SOURCE_TOPIC, SOURCE_PARTITION,
            SOURCE_OFFSET, REFUSED_AT, REFUSED_BY);
    /** Headers are not meant for essays: a rule longer than this is cut (the original bytes are kept whole). */
    public static final int MAX_RULE_CHARS = 8_000;

    private DeadLetterHeaders() {}

    /**
     * The headers of the dead letter of a record: its own headers (without the dead-letter headers of an earlier
     * refusal) plus why, where it was read, when and by whom it was refused.
     *
     * @param original the refused record's headers, may be null
     * @param source where the refused record was read; {@link RecordPosition#UNKNOWN} names none
     */
    public static Headers of(Headers original, Refusal refusal, RecordPosition source, Instant refusedAt,
            RefusedBy refusedBy) {
        Headers headers = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                if (!ALL.contains(header.key())) {
                    headers.add(header);
                }
            }
        }
        put(headers, REASON, refusal.reason().wireName());
        put(headers, RULE, cut(refusal.rule()));
        if (!refusal.codes().isEmpty()) {
            put(headers, RULE_CODES, refusal.codes().stream().map(RuleCode::wireName).collect(Collectors.joining(",")));
        }
        if (source.topic() != null) {
            put(headers, SOURCE_TOPIC, source.topic());
            put(headers, SOURCE_PARTITION, source.partition());
            put(headers, SOURCE_OFFSET, source.offset());
        }
        put(headers, REFUSED_AT, Timestamps.format(refusedAt.atOffset(ZoneOffset.UTC)));
        put(headers, REFUSED_BY, refusedBy.wireName());
        return headers;
    }

    /** The rule codes of a dead letter's headers, as written (unknown names kept); empty when there are none. */
    public static List<String> ruleCodes(Headers headers) {
        String codes = get(headers, RULE_CODES);
        return codes == null || codes.isEmpty() ? List.of() : List.of(codes.split(","));
    }

    static String cut(String rule) {
        return rule.length() <= MAX_RULE_CHARS ? rule : rule.substring(0, MAX_RULE_CHARS) + "... (cut)";
    }

    /** Sets a header to a value's text in UTF-8, replacing any header of that name; a null value sets nothing. */
    public static void put(Headers headers, String name, Object value) {
        if (value != null) {
            headers.remove(name);
            headers.add(name, value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The last header of that name as UTF-8 text, or null. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
