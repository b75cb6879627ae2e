package dev.agentlog.app.replay;

import static dev.agentlog.app.replay.TestEvents.event;
import static dev.agentlog.app.replay.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.cli.ExitCodes;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.SinkWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Snapshots bound the log (issue 15, item 3): a workload (a Letta agent's story with a shared block, a dozen busy
 * agents), a snapshot, more events, then every record below the snapshot is deleted from under the log of record
 * (Admin.deleteRecords, the log start offset polled until it moved). A rebuild then starts from the snapshot and gives
 * exactly the same tables, verify says equal, a rebuild of the whole log is refused with what to do, and
 * {@code state --at} answers after the snapshot and refuses before it (exit code 4; HTTP 410).
 */
class SnapshotRetentionTest {
    private static final String PREFIX = "sr";
    private static final String SCHEMA = "sr";
    private static ReplayFixture fixture;

    @AfterAll
    static void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldRebuildTheSameTablesFromASnapshotAfterTheLogBeforeItWasDeleted() throws Exception {
        fixture = new ReplayFixture(PREFIX, SCHEMA);
        LettaStory story = new LettaStory(PREFIX);
        List<List<String>> steps = story.steps();
        for (List<String> step : steps.subList(0, 6)) {
            fixture.publish(step);
            fixture.probe.awaitDrained();
        }
        fixture.publish(busyAgents(0, 100));
        fixture.probe.awaitDrained();

        CliRun snapshot = Cli.run(fixture.args("snapshot", List.of("--group-id", ReplayFixture.GROUP), true));
        assertThat(snapshot.exitCode()).as(snapshot.err()).isZero();
        assertThat(snapshot.out()).contains("snapshot snapshot-").contains("streams");
        Map<TopicPartition, Long> positions = snapshotPositions();
        assertThat(positions.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        Instant afterSnapshot = Instant.now();

        fixture.publish(busyAgents(100, 160));
        fixture.publish(steps.get(6));
        fixture.probe.awaitDrained();
        List<String> live = RebuildVerifyTest.tables(fixture.pool, SCHEMA);

        deleteRecordsBelow(positions);
        assertThatASinkBehindTheLogStopsRatherThanSkip();

        CliRun wholeLog = Cli.run(fixture.args("rebuild", List.of("--group-id", ReplayFixture.GROUP, "--whole-log"),
                true));
        assertThat(wholeLog.exitCode()).isNotZero();
        assertThat(wholeLog.err() + wholeLog.out()).contains("no longer holds the start of the replay");

        CliRun rebuild = Cli.run(fixture.args("rebuild", List.of("--group-id", ReplayFixture.GROUP, "--drop-old"), true));
        assertThat(rebuild.exitCode()).as(rebuild.err()).isZero();
        assertThat(RebuildVerifyTest.tables(fixture.pool, SCHEMA)).containsExactlyElementsOf(live);
        assertThat(Rows.of(fixture.pool, "select count(*) from " + SCHEMA + ".snapshots")).containsExactly("1");

        CliRun verify = Cli.run(fixture.args("verify", List.of("--group-id", ReplayFixture.GROUP), true));
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("from snapshot snapshot-").contains("EQUAL");

        CliRun now = Cli.run(fixture.args("state " + story.agent, List.of("--at", afterSnapshot.toString()), false));
        assertThat(now.exitCode()).as(now.err()).isZero();
        assertThat(now.out()).contains(story.agent);
        CliRun before = Cli.run(fixture.args("state " + story.agent, List.of("--at", "2026-11-24T10:00:00Z"), false));
        assertThat(before.exitCode()).isEqualTo(ExitCodes.BEFORE_HORIZON);
        assertThat(before.err()).contains("older than what the log still holds").contains("oldest snapshot");
        assertThat(fixture.get("/v1/agents/" + story.agent + "?at=2026-11-24T10:00:00Z").statusCode()).isEqualTo(410);
        assertThat(fixture.get("/v1/agents/" + story.agent + "?at=" + afterSnapshot).statusCode()).isEqualTo(200);
    }

    /**
     * A sink of an empty schema (its next offsets 0) meets a log that starts past them: it stops and says why, instead
     * of jumping to the log's start and leaving out what retention dropped.
     */
    private static void assertThatASinkBehindTheLogStopsRatherThanSkip() throws Exception {
        SchemaMigrator.migrate(fixture.pool, "sr_behind");
        SinkWorker worker = new SinkWorker(TestRuntime.get().bootstrapServers(), fixture.topics,
                SinkSettings.defaults().withSchema("sr_behind").withGroupId("sr-behind"), fixture.pool,
                new SimpleMeterRegistry());
        CompletableFuture<Void> running = CompletableFuture.runAsync(worker);
        try {
            Await.until("the sink behind the log to stop", Duration.ofSeconds(60), running::isDone, done -> done);
        } finally {
            worker.close();
        }
        assertThat(worker.failure()).isNotNull();
        assertThat(worker.failure().getMessage()).contains("no longer holds the next records")
                .contains("nothing is skipped");
        assertThat(Rows.of(fixture.pool, "select count(*) from sr_behind.events")).containsExactly("0");
    }

    /** Messages {@code from} (inclusive) to {@code to} of a dozen agents, with their context windows. */
    static List<String> busyAgents(int from, int to) {
        List<String> events = new ArrayList<>();
        Instant at = Instant.parse("2026-11-24T10:30:00Z");
        for (int a = 0; a < 12; a++) {
            String agent = "agent-sr-busy-" + a;
            if (from == 0) {
                events.add(event("sr-busy-" + a + "-created", agent, "agent.created", at, "{\"name\":\"busy " + a + "\"}"));
            }
            List<String> window = new ArrayList<>();
            for (int m = from; m < to; m++) {
                String id = "message-sr-busy-" + a + "-" + m;
                events.add(event("sr-busy-" + a + "-" + m, agent, "message.created", at.plusMillis(m),
                        message(id, m % 2 == 0 ? "user" : "assistant", "turn " + m)));
                window.add("\"" + id + "\"");
                if (window.size() > 8) {
                    window.remove(0);
                }
                if (m % 10 == 9) {
                    events.add(event("sr-busy-" + a + "-ctx-" + m, agent, "context.updated", at.plusMillis(m),
                            "{\"message_ids\":[" + String.join(",", window) + "]}"));
                }
            }
        }
        return events;
    }

    private static Map<TopicPartition, Long> snapshotPositions() throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        String json = Rows.of(fixture.pool, "select positions::text from " + SCHEMA + ".snapshots").get(0);
        dev.agentlog.events.EventCodec.JSON.readTree(json).fields().forEachRemaining(f ->
                out.put(new TopicPartition(fixture.topics.events(), Integer.parseInt(f.getKey())), f.getValue().asLong()));
        return out;
    }

    /** Deletes the log of record below the positions, and waits until the broker's log start offsets are there. */
    static void deleteRecordsBelow(Map<TopicPartition, Long> positions) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestRuntime.get().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            positions.forEach((tp, offset) -> delete.put(tp, RecordsToDelete.beforeOffset(offset)));
            admin.deleteRecords(delete).all().get();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            positions.keySet().forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
            Await.until("the log start offsets at the snapshot's positions", Duration.ofSeconds(60), () -> {
                Map<TopicPartition, Long> start = new HashMap<>();
                admin.listOffsets(earliest).all().get().forEach((tp, info) -> start.put(tp, info.offset()));
                return start;
            }, start -> start.equals(positions));
        }
    }
}
