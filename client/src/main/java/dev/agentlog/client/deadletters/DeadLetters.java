package dev.agentlog.client.deadletters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Timestamps;
import dev.agentlog.events.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter tooling behind {@code agentlog dlq list} and {@code agentlog dlq replay}: one JSON object
 * per dead-letter record, and fixed records sent back in. The format is symmetrical: a line printed by
 * {@link #list}, edited, is a line {@link #replay} takes.
 *
 * <p>A line: {@code topic, partition, offset, timestamp} (where it is in the dead-letter topic), {@code reason,
 * rule, rule_codes, source_topic, source_partition, source_offset, refused_at, refused_by} (from the dead-letter
 * headers, {@link DeadLetterHeaders}; {@code rule_codes} is an array, null for a reason that is no broken rule and for
 * dead letters written before codes existed; a reason this version does not know is printed as it was written),
 * {@code key} and {@code value} with {@code key_encoding} / {@code value_encoding} ({@code utf8} when the bytes
 * are valid UTF-8, else {@code base64}), and {@code headers}: the record's other headers (UTF-8 text, or
 * {@code {"base64": ...}}).
 *
 * <p>Replay reads only {@code value} (text as printed, or the event as a JSON object), checks every line
 * first with the same codec the processor uses (nothing is sent if one line is wrong), then sends each to
 * {@code in()} keyed by the value's stream_id, idempotent with acks=all, with a header
 * {@value #REPLAYED_FROM} naming the dead letter it fixes. A record refused for {@code conflict} or {@code gap}
 * must lose its {@code stream_seq} (or get a free position) to pass: without one, the processor appends it.
 */
public final class DeadLetters {
    /** Header on a replayed record: the dead letter it came from, {@code <topic>-<partition>@<offset>}. */
    public static final String REPLAYED_FROM = "agentlog.replayed_from";
    private static final Duration POLL = Duration.ofMillis(200);
    /** list gives up when the end offsets are not reached without any progress for this long. */
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final long SEND_TIMEOUT_SECONDS = 120;

    private DeadLetters() {}

    /**
     * Emits every dead letter the filter selects, from the beginning of the dead-letter topic to its end as of
     * the call (committed records only), partition by partition in offset order.
     *
     * @return how many lines were emitted
     */
    public static long list(String bootstrapServers, Topics topics, DeadLetterFilter filter, Consumer<ObjectNode> out) {
        return list(bootstrapServers, Map.of(), topics, filter, out);
    }

    /**
     * As {@link #list(String, Topics, DeadLetterFilter, Consumer)}, with further client settings (security, TLS);
     * the reader's own below win over them.
     */
    public static long list(String bootstrapServers, Map<String, Object> kafkaProperties, Topics topics,
            DeadLetterFilter filter, Consumer<ObjectNode> out) {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "agentlog-dlq-list");
        // The processor writes dead letters in transactions: show only committed ones.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A reader, not a member of a group: partitions are assigned by hand, nothing is committed.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            return list(consumer, topics.dlq(), filter, out);
        }
    }

    static long list(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, String topic,
            DeadLetterFilter filter, Consumer<ObjectNode> out) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60));
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("dead-letter topic " + topic + " does not exist: has the processor run "
                    + "against this cluster? (check --bootstrap-servers and --topic-prefix)");
        }
        List<TopicPartition> assigned = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned));
        long emitted = 0;
        long lastProgress = System.nanoTime();
        while (!reachedEnd(consumer, end)) {
            var records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("no progress reading " + topic + " for " + STALL.toSeconds()
                        + " s before its end offsets " + end + " (is the cluster reachable?)");
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                Long stop = end.get(new TopicPartition(record.topic(), record.partition()));
                if (stop != null && record.offset() < stop) {
                    ObjectNode line = toJson(record);
                    if (filter.matches(line)) {
                        out.accept(line);
                        emitted++;
                    }
                }
            }
        }
        return emitted;
    }

    private static boolean reachedEnd(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            Map<TopicPartition, Long> end) {
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return end.isEmpty();
    }

    /** One dead letter as a JSON line (see the class comment for the fields). */
    public static ObjectNode toJson(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode line = EventCodec.JSON.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", Timestamps.format(Instant.ofEpochMilli(record.timestamp()).atOffset(ZoneOffset.UTC)));
        line.put("reason", DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON));
        line.put("rule", DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.RULE));
        if (record.headers().lastHeader(DeadLetterHeaders.RULE_CODES) == null) {
            line.putNull("rule_codes"); // a dead letter of a reason that is no broken rule, or written before codes
        } else {
            DeadLetterHeaders.ruleCodes(record.headers()).forEach(line.putArray("rule_codes")::add);
        }
        line.put("source_topic", DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_TOPIC));
        putNumber(line, "source_partition",
                DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_PARTITION));
        putNumber(line, "source_offset", DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_OFFSET));
        line.put("refused_at", DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REFUSED_AT));
        line.put("refused_by", DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REFUSED_BY));
        putBytes(line, "key", record.key());
        putBytes(line, "value", record.value());
        ObjectNode headers = line.putObject("headers");
        for (Header header : record.headers()) {
            if (!DeadLetterHeaders.ALL.contains(header.key())) {
                String text = header.value() == null ? null : utf8OrNull(header.value());
                if (header.value() == null || text != null) {
                    headers.put(header.key(), text);
                } else {
                    headers.putObject(header.key()).put("base64", Base64.getEncoder().encodeToString(header.value()));
                }
            }
        }
        return line;
    }

    /**
     * Reads JSON lines (blank lines skipped), checks them all, then sends them back to {@code in()}.
     *
     * @return how many records were sent (and acknowledged by Kafka)
     * @throws IllegalArgumentException naming every bad line, when any is bad; nothing is sent then
     */
    public static int replay(String bootstrapServers, Topics topics, BufferedReader jsonLines) throws IOException {
        return replay(bootstrapServers, Map.of(), topics, jsonLines);
    }

    /** As {@link #replay(String, Topics, BufferedReader)}, with further client settings (security, TLS). */
    public static int replay(String bootstrapServers, Map<String, Object> kafkaProperties, Topics topics,
            BufferedReader jsonLines) throws IOException {
        List<ObjectNode> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String text;
        int number = 0;
        while ((text = jsonLines.readLine()) != null) {
            number++;
            if (text.isBlank()) {
                lines.add(null);
                continue;
            }
            try {
                JsonNode node = EventCodec.JSON.readTree(text);
                if (node instanceof ObjectNode object) {
                    lines.add(object);
                } else {
                    problems.add("line " + number + ": must be a JSON object as `dlq list` prints it");
                    lines.add(null);
                }
            } catch (JsonProcessingException e) {
                problems.add("line " + number + ": is not valid JSON: " + e.getOriginalMessage());
                lines.add(null);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(nothingSent(problems));
        }
        return replay(bootstrapServers, kafkaProperties, topics, lines);
    }

    /** Checks every line (null entries are skipped but counted, so that problems name the right line), then sends. */
    public static int replay(String bootstrapServers, Topics topics, List<ObjectNode> lines) {
        return replay(bootstrapServers, Map.of(), topics, lines);
    }

    /** As {@link #replay(String, Topics, List)}, with further client settings; the producer's own below win. */
    public static int replay(String bootstrapServers, Map<String, Object> kafkaProperties, Topics topics,
            List<ObjectNode> lines) {
        List<ProducerRecord<byte[], byte[]>> records = toRecords(topics, lines);
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "agentlog-dlq-replay");
        // Acknowledged only once every in-sync replica has it, and never written twice by a producer retry.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            return send(producer, records);
        }
    }

    /** The records a replay sends, or an IllegalArgumentException naming every bad line. */
    static List<ProducerRecord<byte[], byte[]>> toRecords(Topics topics, List<ObjectNode> lines) {
        EventCodec codec = EventCodec.standard();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            ObjectNode line = lines.get(i);
            if (line == null) {
                continue;
            }
            String where = "line " + (i + 1);
            byte[] value;
            try {
                value = valueOf(line);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
                continue;
            }
            Event event;
            try {
                event = codec.decode(value);
            } catch (InvalidEventException e) {
                problems.add(where + ": " + e.getMessage());
                continue;
            }
            RecordHeaders headers = new RecordHeaders();
            if (line.hasNonNull("topic") && line.hasNonNull("partition") && line.hasNonNull("offset")) {
                DeadLetterHeaders.put(headers, REPLAYED_FROM, line.get("topic").asText() + "-"
                        + line.get("partition").asText() + "@" + line.get("offset").asText());
            }
            records.add(new ProducerRecord<>(topics.in(), null, event.streamId().getBytes(StandardCharsets.UTF_8),
                    value, headers));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(nothingSent(problems));
        }
        return records;
    }

    static int send(Producer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            acks.add(producer.send(record));
        }
        producer.flush();
        int sent = 0;
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                sent++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after " + sent + " of " + records.size()
                    + " replayed records were acknowledged", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("replay failed after " + sent + " of " + records.size()
                    + " records were acknowledged: " + cause + ". Replaying the same lines again is safe: "
                    + "the processor drops the ones that already passed by event_id", cause);
        }
        return sent;
    }

    private static byte[] valueOf(ObjectNode line) {
        JsonNode value = line.get("value");
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("has no value (the event to send back)");
        }
        if (value.isObject()) {
            try {
                return EventCodec.JSON.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("value must be the event as text (as `dlq list` prints it) or as a "
                    + "JSON object, was " + value.getNodeType().name().toLowerCase());
        }
        JsonNode encoding = line.get("value_encoding");
        if (encoding != null && "base64".equals(encoding.asText())) {
            try {
                return Base64.getDecoder().decode(value.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("value is not valid base64 (value_encoding is base64): "
                        + e.getMessage());
            }
        }
        return value.asText().getBytes(StandardCharsets.UTF_8);
    }

    private static void putBytes(ObjectNode line, String field, byte[] bytes) {
        if (bytes == null) {
            line.putNull(field);
            line.putNull(field + "_encoding");
            return;
        }
        String text = utf8OrNull(bytes);
        if (text != null) {
            line.put(field, text);
            line.put(field + "_encoding", "utf8");
        } else {
            line.put(field, Base64.getEncoder().encodeToString(bytes));
            line.put(field + "_encoding", "base64");
        }
    }

    private static void putNumber(ObjectNode line, String field, String text) {
        if (text == null) {
            line.putNull(field);
            return;
        }
        try {
            line.put(field, Long.parseLong(text));
        } catch (NumberFormatException e) {
            line.put(field, text);
        }
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String nothingSent(List<String> problems) {
        return "nothing was replayed; fix these lines (or remove them) and run again: " + String.join("; ", problems);
    }
}
