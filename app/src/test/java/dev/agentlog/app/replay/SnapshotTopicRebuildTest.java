package dev.agentlog.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.cli.ExitCodes;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.SinkWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A rebuild when PostgreSQL was lost (docs/replay.md, "Rebuild when PostgreSQL was lost"): a workload (a Letta agent's
 * story with a shared block, a dozen busy agents), a snapshot, more events, every record below the snapshot deleted
 * from under the log of record, then the whole schema dropped. A torn snapshot in the topic (a stream's record of a
 * newer snapshot without its manifest) is not used. With the topic whole again, {@code rebuild} reads the snapshot back
 * from the topic and gives every projection table and the offsets exactly as they were, the {@code events} rows of the
 * tail, and says which audit rows could not come back; the sink then resumes from the rebuilt offsets and nothing is
 * lost or doubled; verify says equal; {@code state --at} before the snapshot is refused.
 */
class SnapshotTopicRebuildTest {
    private static final String PREFIX = "stl";
    private static final String SCHEMA = "stl";
    private static ReplayFixture fixture;
    private static SinkWorker sink;
    private static CompletableFuture<Void> sinkRunning;

    @AfterAll
    static void close() throws Exception {
        stopSink();
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldRebuildFromTheSnapshotTopicWhenTheDatabaseWasLost() throws Exception {
        fixture = new ReplayFixture(PREFIX, SCHEMA, null, false);
        startSink();
        LettaStory story = new LettaStory(PREFIX);
        List<List<String>> steps = story.steps();
        for (List<String> step : steps.subList(0, 6)) {
            fixture.publish(step);
            fixture.probe.awaitDrained();
        }
        fixture.publish(SnapshotRetentionTest.busyAgents(0, 100));
        fixture.probe.awaitDrained();

        CliRun snapshot = Cli.run(fixture.args("snapshot", List.of("--group-id", ReplayFixture.GROUP), true));
        assertThat(snapshot.exitCode()).as(snapshot.err()).isZero();
        Map<TopicPartition, Long> positions = positions();
        fixture.publish(SnapshotRetentionTest.busyAgents(100, 160));
        fixture.publish(steps.get(6));
        fixture.probe.awaitDrained();
        stopSink();

        List<String> projection = projectionAndOffsets();
        List<String> tailEvents = events("WHERE NOT (" + below(positions) + ")");
        long eventsBelow = Long.parseLong(Rows.of(fixture.pool, "select count(*) from " + SCHEMA + ".events where "
                + below(positions)).get(0));
        assertThat(eventsBelow).isPositive();
        assertThat(tailEvents).isNotEmpty();
        String[] aStream = Rows.of(fixture.pool, "select stream_id || ' ' || encode(state, 'base64') from " + SCHEMA
                + ".snapshot_streams where stream_id = '" + story.agent + "'").get(0).split(" ");

        SnapshotRetentionTest.deleteRecordsBelow(positions);
        dropSchema(); // the database lost

        sendToSnapshotTopic(story.agent, tornRecordOf(aStream[1]));
        CliRun torn = rebuild("--snapshot-from", "topic");
        assertThat(torn.exitCode()).isNotZero();
        assertThat(torn.err() + torn.out()).contains("whose manifest is not there").contains("not used");
        assertThat(schemaExists(SCHEMA)).isFalse();

        sendToSnapshotTopic(story.agent, java.util.Base64.getMimeDecoder().decode(aStream[1])); // whole again
        CliRun rebuild = rebuild("--drop-old");
        assertThat(rebuild.exitCode()).as(rebuild.err()).isZero();
        assertThat(rebuild.out()).contains("read back from " + fixture.topics.snapshots())
                .contains("could not come back");
        assertThat(projectionAndOffsets()).containsExactlyElementsOf(projection);
        assertThat(events("")).containsExactlyElementsOf(tailEvents);
        assertThat(Rows.of(fixture.pool, "select count(*) from " + SCHEMA + ".snapshots")).containsExactly("1");

        startSink(); // resumes from the rebuilt offsets
        fixture.publish(SnapshotRetentionTest.busyAgents(160, 200));
        fixture.probe.awaitDrained(); // every record the log holds is in events once (the unique keys: not twice)
        List<String> sent = new ArrayList<>();
        for (String event : SnapshotRetentionTest.busyAgents(160, 200)) {
            sent.add(EventCodec.JSON.readTree(event).path("event_id").asText());
        }
        assertThat(Rows.of(fixture.pool, "select count(*) from " + SCHEMA + ".events where event_id = any(string_to_array('"
                + String.join(",", sent) + "', ','))")).containsExactly(Integer.toString(sent.size()));

        CliRun verify = Cli.run(fixture.args("verify", List.of("--group-id", ReplayFixture.GROUP), true));
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("from snapshot snapshot-").contains("EQUAL");

        CliRun before = Cli.run(fixture.args("state " + story.agent, List.of("--at", "2026-11-24T10:00:00Z"), false));
        assertThat(before.exitCode()).isEqualTo(ExitCodes.BEFORE_HORIZON);

        // after the snapshot: an agent that began before it cannot be told from the tail's events alone (it would read
        // as never created) and says so; one that began after it is answered
        String now = java.time.Instant.now().toString();
        CliRun older = Cli.run(fixture.args("state " + story.agent, List.of("--at", now), false));
        assertThat(older.exitCode()).as(older.out() + older.err()).isEqualTo(ExitCodes.BEFORE_HORIZON);
        assertThat(older.err()).contains(story.agent + " began before the snapshot taken at", "its current state can");
        CliRun current = Cli.run(fixture.args("state " + story.agent, List.of(), false));
        assertThat(current.exitCode()).as(current.err()).isZero();
        // its history shows the tail there is, and says where it begins
        CliRun history = Cli.run(fixture.args("history " + story.agent, List.of(), false));
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.out().lines().findFirst().orElse("")).startsWith("positions 1 to ")
                .endsWith("are not in this schema: it was rebuilt from a snapshot, which holds the tables, not the"
                        + " events (docs/replay.md)");
        fixture.publish(List.of(TestEvents.event("stl-newcomer-created", "agent-stl-newcomer", "agent.created",
                java.time.Instant.parse("2026-11-24T11:00:00Z"), "{\"name\":\"newcomer\"}")));
        fixture.probe.awaitDrained();
        CliRun newcomer = Cli.run(fixture.args("state agent-stl-newcomer", List.of("--at", java.time.Instant.now()
                .toString()), false));
        assertThat(newcomer.exitCode()).as(newcomer.err()).isZero();
        assertThat(newcomer.out()).contains("newcomer");
        // nor are its events exported as if its tail were all of them (an import would make a broken agent of it)
        CliRun export = Cli.run(fixture.args("export " + story.agent, List.of(), false));
        assertThat(export.exitCode()).as(export.out() + export.err()).isEqualTo(ExitCodes.BEFORE_HORIZON);
        assertThat(export.err()).contains("began before the snapshot");
        assertThat(Cli.run(fixture.args("export agent-stl-newcomer", List.of(), false)).exitCode()).isZero();
        CliRun agentFile = Cli.run(fixture.args("letta export " + story.agent, List.of(), false));
        assertThat(agentFile.exitCode()).as(agentFile.out() + agentFile.err()).isEqualTo(ExitCodes.BEFORE_HORIZON);
        assertThat(agentFile.err()).contains("began before the snapshot");
    }

    private static CliRun rebuild(String... extra) {
        List<String> args = new ArrayList<>(List.of("--group-id", ReplayFixture.GROUP));
        args.addAll(List.of(extra));
        return Cli.run(fixture.args("rebuild", args, true));
    }

    /** Every row of every projection table and the offsets, as text. */
    private static List<String> projectionAndOffsets() throws Exception {
        return RebuildVerifyTest.tables(fixture.pool, SCHEMA).stream().filter(row -> !row.startsWith("events: "))
                .toList();
    }

    /** The events rows {@code where}, as RebuildVerifyTest.tables prints them. */
    private static List<String> events(String where) throws Exception {
        return Rows.of(fixture.pool, "select event_id, stream_id, stream_seq, type, schema_version, agent_id,"
                + " organization_id, occurred_at, source, actor, payload, kafka_topic, kafka_partition, kafka_offset,"
                + " tenant from " + SCHEMA + ".events " + where + " order by event_id");
    }

    private static String below(Map<TopicPartition, Long> positions) {
        List<String> below = new ArrayList<>();
        positions.forEach((tp, offset) -> below.add("(kafka_partition = " + tp.partition() + " and kafka_offset < "
                + offset + ")"));
        return String.join(" or ", below);
    }

    private static Map<TopicPartition, Long> positions() throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        String json = Rows.of(fixture.pool, "select positions::text from " + SCHEMA + ".snapshots").get(0);
        EventCodec.JSON.readTree(json).fields().forEachRemaining(f ->
                out.put(new TopicPartition(fixture.topics.events(), Integer.parseInt(f.getKey())), f.getValue().asLong()));
        return out;
    }

    /** The record of a newer snapshot for the same stream, as a snapshot interrupted before its manifest leaves it. */
    private static byte[] tornRecordOf(String base64) throws Exception {
        var record = (com.fasterxml.jackson.databind.node.ObjectNode) EventCodec.JSON.readTree(
                java.util.Base64.getMimeDecoder().decode(base64));
        record.put("snapshot_id", "snapshot-torn");
        record.put("taken_at", "2099-01-01T00:00:00Z");
        return EventCodec.JSON.writeValueAsBytes(record);
    }

    private static void sendToSnapshotTopic(String stream, byte[] value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestRuntime.get().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(fixture.topics.snapshots(), stream.getBytes(StandardCharsets.UTF_8),
                    value)).get();
        }
    }

    private static void dropSchema() throws Exception {
        try (var c = fixture.pool.getConnection(); var s = c.createStatement()) {
            s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
        assertThat(schemaExists(SCHEMA)).isFalse();
    }

    private static boolean schemaExists(String schema) throws Exception {
        return !Rows.of(fixture.pool, "select 1 from pg_namespace where nspname = '" + schema + "'").isEmpty();
    }

    private static void startSink() {
        sink = new SinkWorker(TestRuntime.get().bootstrapServers(), fixture.topics,
                SinkSettings.defaults().withSchema(SCHEMA).withGroupId(ReplayFixture.GROUP), fixture.pool,
                new SimpleMeterRegistry());
        sinkRunning = CompletableFuture.runAsync(sink);
    }

    private static void stopSink() throws Exception {
        if (sink != null) {
            sink.close();
            Await.until("the sink to stop", Duration.ofSeconds(60), sinkRunning::isDone, done -> done);
            sink = null;
        }
    }
}
