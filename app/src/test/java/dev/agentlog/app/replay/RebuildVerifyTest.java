package dev.agentlog.app.replay;

import static dev.agentlog.app.replay.TestEvents.event;
import static dev.agentlog.app.replay.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `rebuild` and `verify` against the real pipeline: a mixed workload (every event type, a shared block, a
 * summary, deletes and their cascades, source rows), rebuilt from Kafka and from the events table while the
 * live sink keeps running, then events arriving during a rebuild.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebuildVerifyTest {
    static final String SCHEMA = "rb";
    static final Map<String, String> KEYS = new TreeMap<>(Map.of(
            "agents", "agent_id", "messages", "message_id", "agent_context", "agent_id, position",
            "blocks", "block_id", "block_versions", "block_id, version", "agent_blocks", "agent_id, block_id",
            "archives", "archive_id", "agent_archives", "agent_id, archive_id", "passages", "passage_id",
            "source_rows", "stream_id"));
    static ReplayFixture fixture;

    @BeforeAll
    static void runAMixedWorkload() throws Exception {
        fixture = new ReplayFixture("rb", SCHEMA);
        LettaStory story = new LettaStory("rb");
        // each step drained before the next: a deletion reaches the sink after what it cascades over; the last
        // step (agent deleted) left out so that the summary stays in the tables; agent-rb-b is deleted below
        for (List<String> step : story.steps().subList(0, 6)) {
            fixture.publish(step);
            fixture.probe.awaitDrained();
        }
        fixture.publish(otherStreams());
        fixture.probe.awaitDrained();
        fixture.publish(List.of(
                event("rb-x-9", "archive-rb-b", "archive.deleted", Instant.parse("2026-11-24T11:00:00Z"), "{}"),
                event("rb-x-10", "tools:tool-2", "row.changed", Instant.parse("2026-11-24T11:00:01Z"),
                        "{\"table\":\"tools\",\"op\":\"d\",\"before\":{\"id\":\"tool-2\"}}"),
                event("rb-x-11", "agent-rb-b", "agent.deleted", Instant.parse("2026-11-24T11:00:02Z"), "{}")));
        fixture.probe.awaitDrained();
    }

    /**
     * Another archive with passages, source rows, busy agents of two tenants: a few thousand records in three
     * partitions.
     */
    static List<String> otherStreams() {
        List<String> events = new ArrayList<>();
        Instant at = Instant.parse("2026-11-24T10:30:00Z");
        events.add(event("rb-x-1", "archive-rb-b", "archive.created", at, "{\"name\":\"bob-archive\"}"));
        events.add(event("rb-x-2", "agent-rb-b", "archive.attached", at, "{\"archive_id\":\"archive-rb-b\"}"));
        events.add(event("rb-x-3", "archive-rb-b", "passage.inserted", at, "{\"passage_id\":\"passage-rb-b1\","
                + "\"text\":\"Bob likes chess.\",\"embedding\":[1e-3,2.50]}"));
        events.add(event("rb-x-4", "tools:tool-1", "row.changed", at,
                "{\"table\":\"tools\",\"op\":\"c\",\"after\":{\"id\":\"tool-1\",\"name\":\"search\"}}"));
        events.add(event("rb-x-5", "tools:tool-1", "row.changed", at,
                "{\"table\":\"tools\",\"op\":\"u\",\"after\":{\"id\":\"tool-1\",\"name\":\"web_search\"}}"));
        events.add(event("rb-x-6", "tools:tool-2", "row.changed", at,
                "{\"table\":\"tools\",\"op\":\"c\",\"after\":{\"id\":\"tool-2\"}}"));
        for (int a = 0; a < 12; a++) {
            String agent = "agent-rb-busy-" + a;
            List<String> ofAgent = new ArrayList<>();
            ofAgent.add(event("rb-busy-" + a + "-created", agent, "agent.created", at, "{\"name\":\"busy " + a + "\"}"));
            List<String> window = new ArrayList<>();
            for (int m = 0; m < 150; m++) {
                String id = "message-rb-busy-" + a + "-" + m;
                ofAgent.add(event("rb-busy-" + a + "-" + m, agent, "message.created", at.plusMillis(m),
                        message(id, m % 2 == 0 ? "user" : "assistant", "turn " + m)));
                window.add("\"" + id + "\"");
                if (window.size() > 8) {
                    window.remove(0);
                }
                if (m % 10 == 9) {
                    ofAgent.add(event("rb-busy-" + a + "-ctx-" + m, agent, "context.updated", at.plusMillis(m),
                            "{\"message_ids\":[" + String.join(",", window) + "]}"));
                }
            }
            String tenant = a % 2 == 0 ? "acme" : "globex";
            ofAgent.forEach(e -> events.add(TestEvents.ofTenant(tenant, e)));
        }
        return events;
    }

    /** Every row of every table of the schema, as text (the audit table without its recorded_at). */
    static List<String> snapshot(String schema) throws Exception {
        return tables(fixture.pool, schema);
    }

    /** Every row of every table of the schema, as text (the audit table without its recorded_at). */
    static List<String> tables(javax.sql.DataSource pool, String schema) throws Exception {
        List<String> all = new ArrayList<>();
        for (Map.Entry<String, String> table : KEYS.entrySet()) {
            Rows.of(pool, "select t::text from " + schema + "." + table.getKey() + " t order by " + table.getValue())
                    .forEach(row -> all.add(table.getKey() + ": " + row));
        }
        Rows.of(pool, "select event_id, stream_id, stream_seq, type, schema_version, agent_id, organization_id,"
                + " occurred_at, source, actor, payload, kafka_topic, kafka_partition, kafka_offset, tenant from " + schema
                + ".events order by event_id").forEach(row -> all.add("events: " + row));
        Rows.of(pool, "select consumer_group, topic, partition, next_offset from " + schema
                + ".sink_offsets order by 1, 2, 3").forEach(row -> all.add("sink_offsets: " + row));
        return all;
    }

    CliRun verify(String... extra) {
        List<String> args = new ArrayList<>(List.of("--group-id", ReplayFixture.GROUP));
        Collections.addAll(args, extra);
        return Cli.run(fixture.args("verify", args, true));
    }

    CliRun rebuild(String... extra) {
        List<String> args = new ArrayList<>(List.of("--group-id", ReplayFixture.GROUP));
        Collections.addAll(args, extra);
        return Cli.run(fixture.args("rebuild", args, true));
    }

    @Test
    @Order(1)
    void shouldRebuildEveryTableRowForRowAndVerifyEqual() throws Exception {
        List<String> before = snapshot(SCHEMA);
        assertThat(before).anyMatch(row -> row.startsWith("source_rows: ")).anyMatch(row -> row.startsWith("passages: "))
                .anyMatch(row -> row.contains(",summary,"))
                .anyMatch(row -> row.startsWith("agents: ") && row.endsWith(",globex)"))
                .anyMatch(row -> row.startsWith("events: ") && row.endsWith(" | acme"));

        CliRun rebuild = rebuild();

        assertThat(rebuild.exitCode()).as(rebuild.err() + rebuild.out()).isZero();
        assertThat(rebuild.out()).contains("rebuilt rb:", "old tables kept in schema rb_old_");
        assertThat(snapshot(SCHEMA)).isEqualTo(before);
        CliRun verify = verify();
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("EQUAL", "events ", "agent_context ");
        String old = oldSchemas().get(0);
        assertThat(snapshot(old)).isEqualTo(before);
        CliRun drop = Cli.run(fixture.args("rebuild", List.of("--drop", old), false));
        assertThat(drop.exitCode()).as(drop.err()).isZero();
        assertThat(oldSchemas()).isEmpty();
    }

    @Test
    @Order(2)
    void shouldFailVerifyNamingTheRowChangedByHandUntilARebuildFromTheTableRestoresIt() throws Exception {
        List<String> before = snapshot(SCHEMA);
        try (var c = fixture.pool.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("update rb.blocks set value = 'tampered' where block_id = 'block-rb-human'");
        }

        CliRun fromKafka = verify();
        CliRun fromTable = verify("--from-table");

        assertThat(fromKafka.exitCode()).as(fromKafka.out()).isEqualTo(3);
        assertThat(fromKafka.out()).contains("DIFFERENT", "blocks block-rb-human column value: log \"Name: Ada\\nLikes tea.\""
                + " vs table \"tampered\"");
        assertThat(fromTable.exitCode()).isEqualTo(3);
        assertThat(fromTable.out()).contains("blocks block-rb-human column value");

        CliRun rebuild = rebuild("--from-table", "--drop-old");
        assertThat(rebuild.exitCode()).as(rebuild.err() + rebuild.out()).isZero();
        assertThat(rebuild.out()).contains("old tables dropped");
        assertThat(snapshot(SCHEMA)).isEqualTo(before);
        assertThat(verify().exitCode()).isZero();
        assertThat(oldSchemas()).isEmpty();
    }

    @Test
    @Order(3)
    void shouldLoseAndDoubleNoEventWhenEventsKeepArrivingAcrossTheSwap() throws Exception {
        long eventsBefore = fixture.probe.count("events");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread load = new Thread(() -> {
            Instant at = Instant.parse("2026-11-24T12:00:00Z");
            while (!stop.get()) {
                List<String> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int n = sent.get() + i;
                    batch.add(event("rb-load-" + n, "agent-rb-load-" + (n % 7), "message.created", at.plusMillis(n),
                            message("message-rb-load-" + n, "user", "load " + n)));
                }
                fixture.publish(batch);
                sent.addAndGet(batch.size());
                LockSupport.parkNanos(Duration.ofMillis(15).toNanos()); // pacing, so the two cores are shared
            }
        }, "rb-load");
        load.start();
        try {
            Await.until("load events in the live tables", Duration.ofSeconds(60), () -> fixture.probe.count("events"),
                    n -> n > eventsBefore + 50);

            CliRun rebuild = rebuild("--workers", "2");

            assertThat(rebuild.exitCode()).as(rebuild.err() + rebuild.out()).isZero();
            lastRebuildOutput = rebuild.out();
            int sentAtSwap = sent.get();
            Await.until("more load after the swap", Duration.ofSeconds(60), sent::get, n -> n > sentAtSwap + 50);
        } finally {
            stop.set(true);
            load.join(30_000);
        }
        fixture.probe.awaitDrained();

        long loadRows = Long.parseLong(Rows.of(fixture.pool, "select count(*) from rb.events where event_id like 'rb-load-%'")
                .get(0));
        assertThat(loadRows).isEqualTo(sent.get());
        assertThat(fixture.probe.count("events")).isEqualTo(eventsBefore + sent.get());
        assertThat(Rows.of(fixture.pool, "select count(*) from rb.messages where message_id like 'message-rb-load-%'"))
                .containsExactly(String.valueOf(sent.get()));
        // the old tables stopped exactly at the swap: the live sink wrote nothing there afterwards
        String old = oldSchemas().get(0);
        Map<Integer, Long> swapOffsets = new TreeMap<>();
        for (String row : Rows.of(fixture.pool, "select partition, next_offset from " + old + ".sink_offsets where"
                + " consumer_group = '" + ReplayFixture.GROUP + "'")) {
            String[] parts = row.split(" \\| ");
            swapOffsets.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
        assertThat(swapOffsets).isEqualTo(printedOffsets(lastRebuildOutput));
        long belowSwap = 0;
        for (Map.Entry<Integer, Long> offset : swapOffsets.entrySet()) {
            belowSwap += Long.parseLong(Rows.of(fixture.pool, "select count(*) from rb.events where kafka_partition = "
                    + offset.getKey() + " and kafka_offset < " + offset.getValue()).get(0));
        }
        assertThat(Rows.of(fixture.pool, "select count(*) from " + old + ".events")).containsExactly(String.valueOf(belowSwap));
        assertThat(fixture.probe.count("events")).isGreaterThan(belowSwap);
        CliRun verify = verify();
        assertThat(verify.exitCode()).as(verify.out()).isZero();
    }

    @Test
    @Order(4)
    void shouldKeepTheShadowWhenTheSwapCannotLockAndFinishWithResume() throws Exception {
        List<String> before = snapshot(SCHEMA);
        CliRun failed;
        try (var blocker = fixture.pool.getConnection(); var s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            // a long transaction that writes offsets, like a live sink's batch that does not end
            s.execute("LOCK TABLE rb.sink_offsets IN ROW EXCLUSIVE MODE");
            failed = rebuild("--lock-timeout-ms", "200", "--swap-attempts", "2");
            blocker.rollback();
        }

        assertThat(failed.exitCode()).as(failed.out()).isEqualTo(1);
        assertThat(failed.err()).contains("could not lock rb.sink_offsets in 2 attempts", "--resume");
        assertThat(snapshot(SCHEMA)).isEqualTo(before);
        assertThat(Cli.run(fixture.args("rebuild", List.of("--list-old"), false)).out()).contains("rb_rebuild");

        CliRun resumed = rebuild("--resume", "--drop-old");

        assertThat(resumed.exitCode()).as(resumed.err() + resumed.out()).isZero();
        assertThat(resumed.out()).contains("rebuilt rb: 0 records");
        assertThat(snapshot(SCHEMA)).isEqualTo(before);
        assertThat(verify().exitCode()).isZero();
        assertThat(Cli.run(fixture.args("rebuild", List.of("--list-old"), false)).out()).doesNotContain("rb_rebuild");
    }

    @Test
    @Order(5)
    void shouldKeepAnEventDeliveredTwiceInTheLogOnceWhenTheRebuildKeepsTheUniqueKeysInMemory() throws Exception {
        // the log of record holding a record twice (say, a re-send after the processor's dedupe retention): the live
        // sink keeps it once; the rebuild, whose unique keys of events are in memory, must stop at the second copy,
        // build the indexes and find it there
        ConsumerRecord<byte[], byte[]> first = firstRecordOfTheLog();
        long second;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestRuntime.get().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            second = producer.send(new ProducerRecord<>(fixture.topics.events(), first.partition(), first.key(),
                    first.value())).get().offset();
        }
        Await.until("the live sink past the second copy", Duration.ofSeconds(60),
                () -> Long.parseLong(Rows.of(fixture.pool, "select coalesce(max(next_offset), 0) from rb.sink_offsets"
                        + " where consumer_group = '" + ReplayFixture.GROUP + "' and partition = " + first.partition())
                        .get(0)), next -> next > second);
        List<String> before = snapshot(SCHEMA);

        CliRun rebuild = rebuild("--workers", "2", "--drop-old");

        assertThat(rebuild.exitCode()).as(rebuild.err() + rebuild.out()).isZero();
        assertThat(rebuild.out()).contains("(1 duplicates, 0 not applied)");
        assertThat(snapshot(SCHEMA)).isEqualTo(before);
        assertThat(verify().exitCode()).isZero();
    }

    static ConsumerRecord<byte[], byte[]> firstRecordOfTheLog() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestRuntime.get().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(fixture.topics.events(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record in partition 0 of " + fixture.topics.events());
    }

    static String lastRebuildOutput;

    static Map<Integer, Long> printedOffsets(String output) {
        Matcher m = Pattern.compile("at offsets \\{([^}]*)}").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        Map<Integer, Long> offsets = new TreeMap<>();
        for (String pair : m.group(1).split(", ")) {
            String[] kv = pair.split("=");
            offsets.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
        }
        return offsets;
    }

    static List<String> oldSchemas() {
        CliRun list = Cli.run(fixture.args("rebuild", List.of("--list-old"), false));
        assertThat(list.exitCode()).as(list.err()).isZero();
        return list.out().lines().filter(line -> line.startsWith("rb_old_")).toList();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }
}
