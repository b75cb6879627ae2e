package dev.agentlog.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.sink.RandomLogsAccess;
import dev.agentlog.sink.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import dev.agentlog.events.EventType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The fast paths of the read side answer what the reference readings answer (issue 21): for any random log (stale and
 * repeated block versions, re-deliveries, cascades, passages re-inserted and deleted, two tenants) applied by the real
 * sink to PostgreSQL,
 * <ul>
 *   <li>a past state whose blocks are read in one statement and whose archives' passages are counted and listed in one
 *       ({@link AgentStates}) equals the one read block by block and archive by archive, at every instant of the log
 *       and between them, for a reader of every tenant and for each tenant;</li>
 *   <li>a history page that reads only its slice of {@code block_versions} ({@link StreamHistory}) equals the one that
 *       reads every version, for every page of every stream.</li>
 * </ul>
 */
class QueryFastPathsPropertyTest {
    private static final List<String> AGENTS = List.of("agent-1", "agent-2");
    private static final List<String> STREAMS = List.of("block-1", "block-2", "agent-1", "archive-1");
    private static final List<String> READERS = java.util.Arrays.asList(null, "acme", "globex");

    /**
     * The random logs of the sink's property tests, with the agents' blocks and archives set up first and the edits
     * that the fast paths read interleaved: block versions (stale ones too), deletions and re-creations, passages
     * inserted, re-inserted and deleted (some with their own created_at), archive deletions, attachments.
     */
    @Provide
    Arbitrary<List<RandomLogsAccess.Step>> logs() {
        Arbitrary<RandomLogsAccess.Step> edit = Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(Arbitraries.of("block-1", "block-2"), Arbitraries.integers().between(0, 8),
                        Arbitraries.of("a", "b\\nc", "b\\nd\\ne")).as((b, version, value) -> step(b,
                        EventType.BLOCK_UPDATED, "{\"value\":\"" + value + "\"" + (version == 0 ? "" : ",\"version\":"
                                + version) + "}"))),
                Tuple.of(1, Arbitraries.of("block-1", "block-2").map(b -> step(b, EventType.BLOCK_DELETED, "{}"))),
                Tuple.of(1, Arbitraries.of("block-1", "block-2").map(b -> step(b, EventType.BLOCK_CREATED,
                        "{\"label\":\"human\",\"value\":\"again\"}"))),
                Tuple.of(5, Combinators.combine(Arbitraries.of("archive-1", "archive-2"), Arbitraries.of("p1", "p2", "p3",
                        "p4"), Arbitraries.integers().between(0, 2)).as((r, p, shape) -> step(r, EventType.PASSAGE_INSERTED,
                        "{\"passage_id\":\"" + p + "\",\"text\":\"t " + p + "\"" + (shape == 1
                                ? ",\"created_at\":\"2026-01-0" + (1 + p.charAt(1) % 3) + "T00:00:00Z\"" : "") + "}"))),
                Tuple.of(2, Combinators.combine(Arbitraries.of("archive-1", "archive-2"), Arbitraries.of("p1", "p2", "p3"))
                        .as((r, p) -> step(r, EventType.PASSAGE_DELETED, "{\"passage_id\":\"" + p + "\"}"))),
                Tuple.of(1, Arbitraries.of("archive-1", "archive-2").map(r -> step(r, EventType.ARCHIVE_DELETED, "{}"))),
                Tuple.of(2, Combinators.combine(Arbitraries.of(AGENTS), Arbitraries.of("block-1", "block-2"))
                        .as((a, b) -> step(a, EventType.BLOCK_ATTACHED, "{\"block_id\":\"" + b + "\",\"label\":\"l\"}"))));
        return Combinators.combine(RandomLogsAccess.logs(30), edit.list().ofMaxSize(40)).as((random, edits) -> {
            List<RandomLogsAccess.Step> out = new ArrayList<>(setUp());
            for (int i = 0; i < Math.max(random.size(), edits.size()); i++) {
                if (i < edits.size()) {
                    out.add(edits.get(i));
                }
                if (i < random.size()) {
                    out.add(random.get(i));
                }
            }
            return out;
        });
    }

    private static List<RandomLogsAccess.Step> setUp() {
        List<RandomLogsAccess.Step> out = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            out.add(step("agent-" + i, EventType.AGENT_CREATED, "{\"name\":\"a" + i + "\"}"));
            out.add(step("block-" + i, EventType.BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"v1\"}"));
            out.add(step("archive-" + i, EventType.ARCHIVE_CREATED, "{\"name\":\"r" + i + "\"}"));
            out.add(step("agent-" + i, EventType.BLOCK_ATTACHED, "{\"block_id\":\"block-" + i + "\",\"label\":\"human\"}"));
            out.add(step("agent-" + i, EventType.BLOCK_ATTACHED, "{\"block_id\":\"block-2\",\"label\":\"org\"}"));
            out.add(step("agent-" + i, EventType.ARCHIVE_ATTACHED, "{\"archive_id\":\"archive-" + i + "\"}"));
        }
        return out;
    }

    private static RandomLogsAccess.Step step(String stream, EventType type, String payload) {
        return RandomLogsAccess.Step.of(stream, type, payload);
    }

    @Property(tries = 20)
    void pastStatesReadInFewStatementsEqualTheOneByOneReading(@ForAll("logs") List<RandomLogsAccess.Step> steps,
            @ForAll @IntRange(min = 0, max = 3) int latestPassages) throws Exception {
        DataSource db = TestPostgres.dataSource();
        String schema = RandomLogsAccess.sinkIntoFreshSchema(steps);
        AgentStates fast = new AgentStates(db, schema);
        AgentStates reference = new AgentStates(db, schema).readingOneByOne();
        for (Instant at : instants(db, schema)) {
            for (String agent : AGENTS) {
                for (String tenant : READERS) {
                    assertThat(json(fast.at(agent, at, latestPassages, tenant)))
                            .as("%s at %s for %s", agent, at, tenant)
                            .isEqualTo(json(reference.at(agent, at, latestPassages, tenant)));
                }
            }
        }
    }

    @Property(tries = 20)
    void historyPagesReadingTheirSliceOfVersionsEqualThoseReadingEveryVersion(
            @ForAll("logs") List<RandomLogsAccess.Step> steps, @ForAll @IntRange(min = 1, max = 4) int limit)
            throws Exception {
        DataSource db = TestPostgres.dataSource();
        String schema = RandomLogsAccess.sinkIntoFreshSchema(steps);
        StreamHistory fast = new StreamHistory(db, schema);
        StreamHistory reference = new StreamHistory(db, schema).readingEveryVersion();
        for (String stream : STREAMS) {
            for (long after = 0; after <= 60; after++) {
                JsonNode expected = json(reference.of(stream, after, limit, null));
                assertThat(json(fast.of(stream, after, limit, null))).as("%s after %d, %d", stream, after, limit)
                        .isEqualTo(expected);
                if (expected == null || expected.get("next_after_seq").isNull()) {
                    break;
                }
            }
            assertThat(json(fast.of(stream, 0, StreamHistory.MAX_LIMIT, "acme")))
                    .isEqualTo(json(reference.of(stream, 0, StreamHistory.MAX_LIMIT, "acme")));
        }
    }

    /** Every instant an event of the log has, and a moment after each (between two events). */
    private static List<Instant> instants(DataSource db, String schema) throws Exception {
        List<Instant> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT occurred_at FROM " + schema + ".events ORDER BY 1")) {
            while (rs.next()) {
                Instant at = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
                out.add(at);
                out.add(at.plusMillis(500));
            }
        }
        return out;
    }

    private static JsonNode json(Optional<?> answer) {
        return answer.map(a -> a instanceof AgentState s ? (JsonNode) s.toJson()
                : (JsonNode) ((StreamHistory.History) a).toJson()).orElse(null);
    }
}
