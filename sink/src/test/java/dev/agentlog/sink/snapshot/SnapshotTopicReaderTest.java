package dev.agentlog.sink.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.sink.fold.ProjectionState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Which snapshot the compacted topic still holds whole ({@link SnapshotTopicReader#choose}), on the latest value of each
 * key as compaction leaves them: the manifest's snapshot when every record left is of it (or of an older snapshot, for
 * a stream it does not hold) and its stream count is made up; no snapshot when a newer one was torn (records without
 * their manifest), when records are missing, or when there is no manifest.
 */
class SnapshotTopicReaderTest {
    private static final String EVENTS = "agentlog.events";
    private static final Instant T1 = Instant.parse("2026-12-07T01:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-07T02:00:00Z");

    @Test
    void findsTheManifestsSnapshotWithEveryStream() {
        Map<String, byte[]> topic = new HashMap<>();
        put(topic, "s1", T1, "agent-1", "agent-2");

        SnapshotTopicReader.Found found = choose(topic);

        assertThat(found.present()).isTrue();
        assertThat(found.snapshot().info().snapshotId()).isEqualTo("s1");
        assertThat(found.snapshot().info().positions()).isEqualTo(Map.of(new TopicPartition(EVENTS, 0), 7L));
        assertThat(found.snapshot().info().sealed()).isFalse();
        assertThat(found.snapshot().subjects()).extracting(s -> s[0]).containsExactlyInAnyOrder("agent-1", "agent-2");
        ProjectionState state = new ProjectionState();
        found.snapshot().values().forEach(v -> StreamStates.load(SnapshotFormat.decode(v, StateCipher.PLAIN), state));
        assertThat(state.table(dev.agentlog.sink.fold.Tables.AGENTS)).isEmpty(); // the records hold no rows here
    }

    @Test
    void refusesATornSnapshotWhoseRecordsReplacedSomeOfTheManifests() {
        Map<String, byte[]> topic = new HashMap<>();
        put(topic, "s1", T1, "agent-1", "agent-2");
        topic.put("agent-1", record("s2", T2, "agent-1")); // s2's writing stopped before its manifest

        SnapshotTopicReader.Found found = choose(topic);

        assertThat(found.present()).isFalse();
        assertThat(found.whyNone()).contains("snapshot s2, whose manifest is not there").contains("not used");
    }

    @Test
    void ignoresARecordOfAnOlderSnapshotForAStreamTheManifestsDoesNotHold() {
        Map<String, byte[]> topic = new HashMap<>();
        topic.put("agent-9", record("s0", T1.minusSeconds(60), "agent-9")); // its tombstone was never written
        put(topic, "s1", T1, "agent-1");

        SnapshotTopicReader.Found found = choose(topic);

        assertThat(found.present()).isTrue();
        assertThat(found.snapshot().subjects()).extracting(s -> s[0]).containsExactly("agent-1");
    }

    @Test
    void acceptsStreamsTombstonedSinceByAnErasureButNotStreamsMissing() {
        Map<String, byte[]> topic = new HashMap<>();
        put(topic, "s1", T1, "agent-1", "agent-2");
        topic.put("agent-2", null); // erased after the snapshot
        assertThat(choose(topic).present()).isTrue();

        topic.remove("agent-2"); // gone without a trace: the snapshot is not whole
        SnapshotTopicReader.Found found = choose(topic);
        assertThat(found.present()).isFalse();
        assertThat(found.whyNone()).contains("1 of the 2 stream records");
    }

    @Test
    void findsNothingWithoutAManifest() {
        Map<String, byte[]> topic = new HashMap<>();
        assertThat(choose(topic).whyNone()).contains("holds no snapshot");
        topic.put("agent-1", record("s1", T1, "agent-1"));
        assertThat(choose(topic).whyNone()).contains("no manifest");
    }

    private static SnapshotTopicReader.Found choose(Map<String, byte[]> topic) {
        return SnapshotTopicReader.choose("agentlog.snapshots", topic, EVENTS, "agentlog-sink");
    }

    /** The snapshot's records and then its manifest, as {@link SnapshotTopic} writes them. */
    private static void put(Map<String, byte[]> topic, String id, Instant at, String... streams) {
        for (String stream : streams) {
            topic.put(stream, record(id, at, stream));
        }
        String manifest = "{\"format\":1,\"snapshot_id\":\"" + id + "\",\"taken_at\":\"" + at + "\",\"streams\":"
                + streams.length + ",\"positions\":{\"0\":7}}";
        topic.put(SnapshotTopic.MANIFEST_KEY, manifest.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] record(String id, Instant at, String stream) {
        SnapshotInfo info = new SnapshotInfo(id, EVENTS, "agentlog-sink", Map.of(new TopicPartition(EVENTS, 0), 7L), at,
                1, false);
        return SnapshotFormat.encode(info, new SnapshotFormat.StreamRows(stream, stream, Map.of()), StateCipher.PLAIN);
    }
}
