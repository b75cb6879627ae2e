package dev.agentlog.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * Builds a log of record as the processor writes it: event JSON with stream_seq set, keyed by stream_id,
 * partitioned by stream, each partition's offsets counting up. Events are one second apart.
 */
final class TestLog {
    static final String TOPIC = "agentlog.events";

    private final int partitions;
    private final Map<String, Long> seqs = new HashMap<>();
    private final Map<Integer, Long> offsets = new HashMap<>();
    private final List<SinkRecord> records = new ArrayList<>();
    private int drained;
    private int eventCounter;
    private Instant clock = Instant.parse("2026-11-24T10:00:00Z");
    private Function<String, String> tenantOfStream = stream -> null;

    TestLog(int partitions) {
        this.partitions = partitions;
    }

    TestLog() {
        this(1);
    }

    /** Every event of a stream carries the tenant this gives for its stream_id (null: none), as after the processor. */
    TestLog withTenants(Function<String, String> tenantOf) {
        this.tenantOfStream = tenantOf;
        return this;
    }

    List<TopicPartition> partitions() {
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            out.add(new TopicPartition(TOPIC, p));
        }
        return out;
    }

    int partitionOf(String streamId) {
        return Math.floorMod(streamId.hashCode(), partitions);
    }

    /** Appends a new event (event_id e-N, next stream_seq) and returns its event_id. */
    String add(String streamId, EventType type, String payloadJson) {
        String eventId = "e-" + (++eventCounter);
        add(eventId, streamId, type, payloadJson);
        return eventId;
    }

    void add(String eventId, String streamId, EventType type, String payloadJson) {
        long seq = seqs.merge(streamId, 1L, Long::sum);
        clock = clock.plusSeconds(1);
        append(partitionOf(streamId), streamId, json(eventId, streamId, seq, type, payloadJson));
    }

    /** Appends an event at an explicit stream_seq (conflicts), not moving the stream's counter. */
    void addAtSeq(String eventId, String streamId, long seq, EventType type, String payloadJson) {
        clock = clock.plusSeconds(1);
        append(partitionOf(streamId), streamId, json(eventId, streamId, seq, type, payloadJson));
    }

    /** Appends arbitrary bytes (an undecodable record). */
    void addRaw(String key, String value) {
        append(partitionOf(key), key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The same record again at a new offset (a re-delivery, a replay). */
    void redeliver(SinkRecord record) {
        append(record.partition(), new String(record.key(), StandardCharsets.UTF_8), record.value());
    }

    private void append(int partition, String key, byte[] value) {
        long offset = offsets.merge(partition, 1L, Long::sum) - 1;
        records.add(new SinkRecord(TOPIC, partition, offset, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private byte[] json(String eventId, String streamId, long seq, EventType type, String payloadJson) {
        try {
            ObjectNode event = EventCodec.JSON.createObjectNode();
            event.put("event_id", eventId);
            event.put("type", type.wireName());
            event.put("schema_version", type.currentVersion());
            event.put("stream_id", streamId);
            event.put("stream_seq", seq);
            event.put("occurred_at", clock.toString());
            event.put("source", "test");
            event.put("actor", "user-1");
            String tenant = tenantOfStream.apply(streamId);
            if (tenant != null) {
                event.put("tenant", tenant);
            }
            event.set("payload", EventCodec.JSON.readTree(payloadJson));
            return EventCodec.JSON.writeValueAsBytes(event);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test payload " + payloadJson, e);
        }
    }

    List<SinkRecord> records() {
        return List.copyOf(records);
    }

    /** The records appended since the last drain. */
    List<SinkRecord> drain() {
        List<SinkRecord> out = List.copyOf(records.subList(drained, records.size()));
        drained = records.size();
        return out;
    }

    SinkRecord last() {
        return records.get(records.size() - 1);
    }
}
