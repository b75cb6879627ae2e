package dev.agentlog.app.replay;

import static dev.agentlog.app.replay.TestEvents.event;
import static dev.agentlog.app.replay.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.SnapshotPolicy;
import dev.agentlog.app.wiring.SnapshotSchedule;
import dev.agentlog.app.wiring.SnapshotWriter;
import dev.agentlog.sink.snapshot.StateCipher;
import dev.agentlog.support.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sink's continuous snapshots: with {@code --snapshot-every-records 40} the schedule takes a snapshot as soon as
 * the sink has applied that many records since the last one, by itself, and each stands at the sink's offsets then.
 */
class SnapshotScheduleTest {
    @Test
    void shouldTakeASnapshotEachTimeTheSinkAppliedTheRecordCount() throws Exception {
        try (ReplayFixture fixture = new ReplayFixture("ss", "ss")) {
            SnapshotWriter writer = new SnapshotWriter(fixture.pool, "ss", ReplayFixture.GROUP,
                    KafkaClients.plain(TestRuntime.get().bootstrapServers()), fixture.topics, StateCipher.PLAIN, 0,
                    Time.SYSTEM);
            try (SnapshotSchedule schedule = new SnapshotSchedule(writer, new SnapshotPolicy(0, 40), fixture.pool, "ss",
                    ReplayFixture.GROUP, fixture.topics.events(), Time.SYSTEM).start()) {
                fixture.publish(messages(0, 50));
                fixture.probe.awaitDrained();
                Await.until("a first snapshot", Duration.ofSeconds(60), () -> count(fixture), n -> n >= 1);
                fixture.publish(messages(50, 100));
                fixture.probe.awaitDrained();
                Await.until("a second snapshot after 40 more records", Duration.ofSeconds(60), () -> count(fixture),
                        n -> n >= 2);
            }
            // the second stands at least 40 records of the log after the first
            List<Long> records = new ArrayList<>();
            for (String positions : Rows.of(fixture.pool, "select positions::text from ss.snapshots order by taken_at")) {
                long below = 0;
                for (var p : dev.agentlog.events.EventCodec.JSON.readTree(positions).properties()) {
                    below += p.getValue().asLong();
                }
                records.add(below);
            }
            assertThat(records.get(0)).isGreaterThanOrEqualTo(40);
            assertThat(records.get(1) - records.get(0)).isGreaterThanOrEqualTo(40);
            assertThat(Rows.of(fixture.pool, "select count(*) from ss.snapshot_streams where stream_id = 'agent-ss'"))
                    .containsExactly("2");
        }
    }

    private static long count(ReplayFixture fixture) throws Exception {
        return Long.parseLong(Rows.of(fixture.pool, "select count(*) from ss.snapshots").get(0));
    }

    private static List<String> messages(int from, int to) {
        List<String> events = new ArrayList<>();
        Instant at = Instant.parse("2026-11-24T10:00:00Z");
        if (from == 0) {
            events.add(event("ss-created", "agent-ss", "agent.created", at, "{\"name\":\"ss\"}"));
        }
        for (int m = from; m < to; m++) {
            events.add(event("ss-" + m, "agent-ss", "message.created", at.plusMillis(m),
                    message("message-ss-" + m, "user", "turn " + m)));
        }
        return events;
    }
}
