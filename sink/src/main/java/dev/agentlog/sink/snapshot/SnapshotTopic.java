package dev.agentlog.sink.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The compacted topic {@code <prefix>.snapshots}: key = stream id, value = the stream's record of the latest snapshot
 * ({@link SnapshotFormat}); a stream that had rows in the previous snapshot and has none now gets a tombstone, as
 * does an erased subject's stream; the key {@value #MANIFEST_KEY} holds the latest snapshot's id and positions and is
 * written last, after every stream's record is in Kafka, so a reader that finds a manifest finds its streams too.
 * Compaction keeps one record per stream: the topic holds the latest snapshot, PostgreSQL every one kept.
 */
public final class SnapshotTopic {
    /** Not a stream id: stream ids are the contract's ids (agent-, block-, ...), never starting with '$'. */
    public static final String MANIFEST_KEY = "$snapshot";
    private static final long SEND_TIMEOUT_SECONDS = 120;

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public SnapshotTopic(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Sends the snapshot's records, tombstones for {@code previousStreams} it no longer holds, then its manifest. */
    public void write(SnapshotTaker.Taken taken, Collection<String> previousStreams) {
        List<Future<?>> sent = new ArrayList<>(taken.records().size() + 1);
        Set<String> now = new HashSet<>();
        for (SnapshotTaker.StreamRecord record : taken.records()) {
            now.add(record.streamId());
            sent.add(producer.send(new ProducerRecord<>(topic, key(record.streamId()), record.value())));
        }
        for (String stream : previousStreams) {
            if (!now.contains(stream)) {
                sent.add(producer.send(new ProducerRecord<>(topic, key(stream), null)));
            }
        }
        await(sent);
        ObjectNode manifest = EventCodec.JSON.createObjectNode();
        manifest.put("format", SnapshotFormat.FORMAT);
        manifest.put("snapshot_id", taken.info().snapshotId());
        manifest.put("taken_at", taken.info().takenAt().toString());
        manifest.put("streams", taken.info().streams());
        manifest.set("positions", SnapshotStore.positionsJson(taken.info()));
        try {
            await(List.of(producer.send(new ProducerRecord<>(topic, key(MANIFEST_KEY),
                    EventCodec.JSON.writeValueAsBytes(manifest)))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tombstones for these streams (erasure: their records are gone from the topic once it is compacted). */
    public void tombstone(Collection<String> streams) {
        List<Future<?>> sent = new ArrayList<>();
        streams.forEach(stream -> sent.add(producer.send(new ProducerRecord<>(topic, key(stream), null))));
        await(sent);
    }

    private static byte[] key(String stream) {
        return stream.getBytes(StandardCharsets.UTF_8);
    }

    private void await(List<Future<?>> sent) {
        try {
            for (Future<?> f : sent) {
                f.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("writing the snapshot to " + topic + " failed: " + e.getMessage(), e);
        }
    }
}
