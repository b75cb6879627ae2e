package dev.agentlog.app.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.cdc.SourceDatabase;
import dev.agentlog.cdc.SourceSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change-data capture of a real Letta schema (the fixture, in a database of the test PostgreSQL, wal_level=logical)
 * into the real pipeline (processor and sink against the test broker), with Letta's write pattern replayed for
 * several agents and turns; capture is crashed between a produce and the commit of its position, and restarted.
 * The projections must then say what the source tables say, and every event must be in the log once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LettaCdcEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(LettaCdcEndToEndTest.class);
    static final String SCHEMA = "cdc";
    static final String SOURCE_DB = SCHEMA;
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    static LettaSource letta;
    static HikariDataSource projections;
    static EventPublisher publisher;
    static PipelineProbe probe;
    static CdcSettings settings;
    static LettaCdc cdc;
    static LettaWriter writer;
    static LettaMirror mirror;
    static final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        letta = new LettaSource(SCHEMA, registry);
        projections = letta.projections;
        publisher = letta.publisher;
        probe = letta.probe;
        writer = letta.writer;
        mirror = letta.mirror;
        settings = letta.settings("agentlog_e2e")
                // -Dagentlog.cdc.pollIntervalMs=10 measures another latency floor
                .withIntervals(Long.getLong("agentlog.cdc.pollIntervalMs", CdcSettings.DEFAULT_POLL_INTERVAL_MS),
                        CdcSettings.DEFAULT_OFFSET_FLUSH_INTERVAL_MS, CdcSettings.DEFAULT_HEARTBEAT_INTERVAL_MS);
        // What capture refuses to start without (the final schema's keyless tables). The rest of --setup (REPLICA
        // IDENTITY FULL on the typed tables) comes in test 3.
        LettaSource.applyRequiredSetup(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cdc != null) {
            cdc.close();
        }
        if (settings != null) {
            letta.dropSlot(settings);
        }
        letta.close();
    }

    @Test
    @Order(1)
    void shouldMirrorLettasTablesThroughACrashBetweenProduceAndCommit() throws Exception {
        // Written before capture starts: the initial snapshot must bring it.
        writer.organization();
        LettaWriter.Agent early = writer.createAgent("early", "persona", "I am Early.", "human", "Name: Bo");
        writer.turn(early, "hello", "Hi Bo.");
        cdc = new LettaCdc(settings, publisher, registry).start();
        // Writes after the slot exists are streamed one by one; earlier ones only as the snapshot sees them.
        Await.until("the replication slot", TIMEOUT, () -> writer.query(
                "SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'agentlog_e2e'"), slots -> !slots.isEmpty());

        LettaWriter.Agent sam = writer.createAgent("sam", "persona", "I am Sam.", "human", "Name: Ada");
        LettaWriter.Agent kit = writer.createAgent("kit", "persona", "I am Kit.", "team", "Kit works alone.");
        LettaWriter.Agent rex = writer.createAgent("rex", "persona", "I am Rex.", "human", "Name: Cy");
        String team = writer.query("SELECT block_id FROM blocks_agents WHERE agent_id = ? AND block_label = 'team'", kit.id).get(0);
        String samHuman = writer.query("SELECT block_id FROM blocks_agents WHERE agent_id = ? AND block_label = 'human'", sam.id).get(0);
        writer.tx(c -> writer.editBlock(team, "We are a team.", kit.id).run(c));
        writer.rewriteAttached(team);
        writer.share(sam, team, "team");

        writer.turn(sam, "I prefer tea.", "Noted.", writer.editBlock(samHuman, "Name: Ada\nPrefers tea.", sam.id));
        writer.rewriteAttached(samHuman);
        String teaPassage = writer.archivalInsert(sam, "Ada prefers tea over coffee.", "preferences", "drinks");
        writer.turn(kit, "Who are we?", "A team.", writer.editBlock(team, "We are a team of two.", kit.id));
        writer.rewriteAttached(team);

        awaitMirror(); // the snapshot and the first changes are through
        cdc.close(); // an orderly restart: the position of everything acknowledged is stored

        // Crash: the next batch is published and acknowledged, then capture dies before storing its position.
        Set<String> crashedBatch = ConcurrentHashMap.newKeySet();
        AtomicBoolean armed = new AtomicBoolean(true);
        cdc = new LettaCdc(settings, publisher, registry, events -> {
            if (!events.isEmpty() && armed.getAndSet(false)) {
                events.forEach(e -> crashedBatch.add(e.eventId()));
                throw new IllegalStateException("injected crash after produce, before commit");
            }
        }).start();
        writer.turn(sam, "And my sister?", "Tell me about her.", writer.editBlock(team, "We are a team of three.", sam.id));
        Await.until("capture to crash", TIMEOUT, () -> cdc.completion().isCompletedExceptionally(), crashed -> crashed);
        cdc.close();
        Await.until("the slot to be free", TIMEOUT, () -> writer.query(
                "SELECT active::text FROM pg_replication_slots WHERE slot_name = 'agentlog_e2e'"), active -> active.equals(List.of("false")));
        Set<String> afterRestart = ConcurrentHashMap.newKeySet();
        cdc = new LettaCdc(settings, publisher, registry, events -> events.forEach(e -> afterRestart.add(e.eventId()))).start();

        writer.rewriteAttached(team);
        writer.archivalInsert(sam, "Ada's sister is Eve.", "family");
        writer.turn(rex, "Remember me", "I will.", c -> LettaWriter.attach(c, rex.id,
                writer.createBlock(c, "notes", "Rex likes maps."), "notes"));
        writer.turn(sam, "Summarize", "Sure.");
        writer.summarize(sam, 2);
        writer.untag(teaPassage, "drinks");
        writer.turn(rex, "Forget the notes", "Done.", c -> LettaWriter.exec(c,
                "DELETE FROM blocks_agents WHERE agent_id = ? AND block_label = 'notes'", rex.id));
        String kitPassage = writer.archivalInsert(kit, "Kit keeps maps.", "maps");
        writer.tx(c -> LettaWriter.exec(c, "DELETE FROM archival_passages WHERE id = ?", kitPassage));
        new LettaAgentAdmin(writer).deleteAgent(rex); // as Letta's ORM does it; the database cascades the rest

        awaitMirror();

        assertThat(crashedBatch).as("the crash happened after a produce").isNotEmpty();
        assertThat(afterRestart).as("the restart read the crashed batch again, with the same event ids")
                .containsAll(crashedBatch);
        assertThat(mirror.projections()).isEqualTo(mirror.source());
        assertThat(Rows.of(projections, "SELECT block_id || '@' || version || '=' || value FROM cdc.block_versions ORDER BY 1"))
                .as("every block version the source passed through")
                .isEqualTo(writer.blockVersions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
        assertThat(Rows.of(projections, "SELECT agent_id, deleted_at IS NOT NULL FROM cdc.agents WHERE name = 'rex'"))
                .containsExactly(rex.id + " | t");
        assertThat(Rows.of(projections, "SELECT count(*) FROM cdc.messages WHERE agent_id = '" + rex.id + "'"))
                .containsExactly("0");
        assertThat(Rows.of(projections, "SELECT DISTINCT source FROM cdc.events")).containsExactly("cdc:" + SOURCE_DB);
        assertNothingDoubled();
        assertThat(registry.find("agentlog.cdc.events").counters()).isNotEmpty();
    }

    @Test
    @Order(2)
    void shouldMeasureCommitToProjectionLatency() throws Exception {
        assumeTrue(cdc != null && !cdc.completion().isDone(), "capture runs (the first test started it)");
        Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
        cdc.close();
        cdc = new LettaCdc(settings, publisher, registry, events -> {
            long now = System.nanoTime();
            events.stream().filter(e -> e.payload() instanceof MessageCreated)
                    .forEach(e -> acknowledgedAt.put(((MessageCreated) e.payload()).messageId(), now));
        }).start();
        LettaWriter.Agent timed = writer.createAgent("timed", "persona", "I am Timed.");
        awaitMirror();
        List<Long> toKafkaMicros = new ArrayList<>();
        List<Long> toProjectionMicros = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String messageId = LettaWriter.id("message");
            writer.tx(c -> LettaWriter.exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content) "
                    + "VALUES (?, ?, ?, 'user', ?::json)", messageId, LettaWriter.ORG, timed.id, LettaWriter.content("ping")));
            long committed = System.nanoTime();
            long visible = awaitVisible(messageId, committed);
            toProjectionMicros.add(TimeUnit.NANOSECONDS.toMicros(visible - committed));
            toKafkaMicros.add(TimeUnit.NANOSECONDS.toMicros(acknowledgedAt.get(messageId) - committed));
        }
        String figures = String.format("cdc latency, %d single-row message inserts one at a time, poll interval %d ms, "
                + "%d cores, %s%n  source commit -> acknowledged in %s: %s%n  source commit -> row in %s.messages: %s%n",
                toProjectionMicros.size(), settings.pollIntervalMs(), Runtime.getRuntime().availableProcessors(),
                LocalDate.now(), letta.topics.in(), summary(toKafkaMicros), SCHEMA, summary(toProjectionMicros));
        Files.writeString(Path.of("target", "cdc-latency.txt"), figures);
        log.info("{}", figures.trim());
        assertThat(toProjectionMicros).hasSize(200);
    }

    @Test
    @Order(3)
    void shouldAttributeDeletesOfRowsWrittenBeforeARestartOnceSetupGaveFullReplicaIdentity() throws Exception {
        assumeTrue(cdc != null && !cdc.completion().isDone(), "capture runs (the first test started it)");
        SourceSetup source = new SourceSetup(settings);
        source.apply(source.setupStatements());
        cdc.close(); // a restart: capture forgets the rows it saw, the deletes below must carry their owners
        cdc = new LettaCdc(settings, publisher, registry).start();
        String agentId = writer.query("SELECT id FROM agents WHERE name = 'sam'").get(0);
        String evicted = writer.query("SELECT m.id FROM messages m JOIN agents a ON a.id = m.agent_id WHERE a.id = ? "
                + "AND m.id NOT IN (SELECT json_array_elements_text(a.message_ids)) ORDER BY m.sequence_id LIMIT 1", agentId).get(0);
        String passage = writer.query("SELECT id FROM archival_passages WHERE text = 'Ada''s sister is Eve.'").get(0);
        double unresolvedBefore = registry.find("agentlog.cdc.unresolved").counters().stream().mapToDouble(c -> c.count()).sum();

        writer.tx(c -> LettaWriter.exec(c, "DELETE FROM messages WHERE id = ?", evicted));
        writer.tx(c -> LettaWriter.exec(c, "DELETE FROM archival_passages WHERE id = ?", passage));
        awaitMirror();

        assertThat(Rows.of(projections, "SELECT stream_id FROM cdc.events WHERE type = 'message.deleted' "
                + "AND payload->>'message_id' = '" + evicted + "'")).containsExactly(agentId);
        assertThat(Rows.of(projections, "SELECT count(*) FROM cdc.events WHERE type = 'passage.deleted' "
                + "AND payload->>'passage_id' = '" + passage + "'")).containsExactly("1");
        assertThat(registry.find("agentlog.cdc.unresolved").counters().stream().mapToDouble(c -> c.count()).sum())
                .isEqualTo(unresolvedBefore);
    }

    /** Polls the projection every millisecond (bounded) and returns when the message's row was first seen. */
    static long awaitVisible(String messageId, long since) throws Exception {
        try (Connection c = projections.getConnection();
             java.sql.PreparedStatement s = c.prepareStatement("SELECT 1 FROM cdc.messages WHERE message_id = ?")) {
            s.setString(1, messageId);
            while (System.nanoTime() - since < TIMEOUT.toNanos()) {
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return System.nanoTime();
                    }
                }
                Thread.sleep(1); // poll interval, not synchronization: the row decides
            }
        }
        throw new AssertionError("message " + messageId + " not in cdc.messages after " + TIMEOUT);
    }

    static String summary(List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(sorted, 50),
                percentile(sorted, 90), percentile(sorted, 99), sorted.get(sorted.size() - 1) / 1000.0);
    }

    static double percentile(List<Long> sortedMicros, int p) {
        int index = (int) Math.ceil(p / 100.0 * sortedMicros.size()) - 1;
        return sortedMicros.get(Math.max(0, index)) / 1000.0;
    }

    static void awaitMirror() throws Exception {
        mirror.await();
    }

    /** Re-read changes kept their ids: no source change is in the log twice under two ids. */
    static void assertNothingDoubled() throws Exception {
        assertThat(Rows.of(projections, "SELECT payload->>'message_id' FROM cdc.events WHERE type = 'message.created' "
                + "GROUP BY 1 HAVING count(*) > 1")).isEmpty();
        assertThat(Rows.of(projections, "SELECT stream_id, payload->>'version' FROM cdc.events WHERE type = 'block.updated' "
                + "GROUP BY 1, 2 HAVING count(*) > 1")).isEmpty();
        assertThat(Rows.of(projections, "SELECT stream_id FROM cdc.events WHERE type IN ('agent.created', 'block.created', "
                + "'archive.created', 'agent.deleted') GROUP BY stream_id, type HAVING count(*) > 1")).isEmpty();
        assertThat(Rows.of(projections, "SELECT count(*) = count(DISTINCT event_id) FROM cdc.events")).containsExactly("t");
    }
}
