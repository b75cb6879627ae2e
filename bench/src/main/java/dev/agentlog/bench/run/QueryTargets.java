package dev.agentlog.bench.run;

import dev.agentlog.events.EventCodec;
import dev.agentlog.query.AgentState;
import dev.agentlog.query.AgentStates;
import dev.agentlog.query.StreamHistory;
import dev.agentlog.workload.QueryFixtures;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The queries the bench asks of tables built from a log with {@link QueryFixtures} ({@code queries}, {@code growth}):
 * {@code state --at} of each fixture agent and of a regular agent at instants drawn with the log's seed, and
 * {@code history} of the block of 1,000 versions and of the block every agent shares.
 */
public final class QueryTargets {
    /** The regular agent asked for, and the block every regular agent shares (the workload's names). */
    public static final String REGULAR_AGENT = "agent-bench-0";
    public static final String SHARED_BLOCK = "block-bench-shared";

    /** One query the bench asks, at its instants. */
    public record Target(String what, String streamId, boolean history, List<Instant> instants) {
        /** The call as the HTTP API and the CLI make it in-process: the query and the answer's JSON. */
        public QueryRun.Call inProcess(AgentStates states, StreamHistory histories) {
            if (history) {
                return at -> EventCodec.JSON.writeValueAsBytes(histories.of(streamId, 0, StreamHistory.DEFAULT_LIMIT)
                        .orElseThrow(() -> new IllegalStateException("no history of " + streamId)).toJson());
            }
            return at -> {
                AgentState state = states.at(streamId, at, AgentStates.DEFAULT_LATEST_PASSAGES)
                        .orElseThrow(() -> new IllegalStateException("no state of " + streamId + " at " + at));
                EventCodec.JSON.writeValueAsBytes(state.toJson());
            };
        }

        /** The HTTP route of the same call. */
        public String path(Instant at) {
            return history ? "/v1/blocks/" + streamId + "/history"
                    : "/v1/agents/" + streamId + "?at=" + URLEncoder.encode(at.toString(), StandardCharsets.UTF_8);
        }
    }

    private QueryTargets() {}

    /**
     * The queries on {@code schema}: each agent's instants drawn from its creation to {@code end}, {@code samples} of
     * each, with {@code seed} (the same seed and end, the same instants).
     */
    public static List<Target> of(BenchEnvironment env, String schema, long seed, int agents, int samples, Instant end)
            throws Exception {
        List<Target> out = new ArrayList<>();
        for (int messages : QueryFixtures.MESSAGE_COUNTS) {
            String agent = QueryFixtures.agent(messages);
            out.add(new Target(String.format(Locale.ROOT, "`state --at`, agent of %,d messages", messages), agent, false,
                    QueryRun.instants(seed + messages, created(env, schema, agent), end, samples)));
        }
        out.add(new Target(String.format(Locale.ROOT, "`state --at`, a regular agent (%,d of them)", agents),
                REGULAR_AGENT, false, QueryRun.instants(seed, created(env, schema, REGULAR_AGENT), end, samples)));
        List<Instant> none = QueryRun.instants(seed, end, end, samples);
        out.add(new Target(String.format(Locale.ROOT, "`history` of the block of %,d versions (one page of %,d)",
                QueryFixtures.BLOCK_VERSIONS, StreamHistory.DEFAULT_LIMIT), QueryFixtures.VERSIONED_BLOCK, true, none));
        long shared = env.queryLong("SELECT count(*) FROM " + schema + ".block_versions WHERE block_id = '"
                + SHARED_BLOCK + "'");
        out.add(new Target(String.format(Locale.ROOT, "`history` of the shared block of %,d versions (first page of %,d)",
                shared, StreamHistory.DEFAULT_LIMIT), SHARED_BLOCK, true, none));
        return out;
    }

    private static Instant created(BenchEnvironment env, String schema, String stream) throws Exception {
        return env.queryTimestamp("SELECT min(occurred_at) FROM " + schema + ".events WHERE stream_id = '" + stream + "'");
    }

    /** The tables hold the fixtures whole: the figures are for the sizes they name. */
    public static void checkFixtures(BenchEnvironment env, String schema) throws Exception {
        for (int messages : QueryFixtures.MESSAGE_COUNTS) {
            long rows = env.queryLong("SELECT count(*) FROM " + schema + ".messages WHERE agent_id = '"
                    + QueryFixtures.agent(messages) + "'");
            if (rows != messages) {
                throw new IllegalStateException(QueryFixtures.agent(messages) + " has " + rows + " messages, not " + messages);
            }
        }
        long versions = env.queryLong("SELECT count(*) FROM " + schema + ".block_versions WHERE block_id = '"
                + QueryFixtures.VERSIONED_BLOCK + "'");
        if (versions != QueryFixtures.BLOCK_VERSIONS) {
            throw new IllegalStateException(QueryFixtures.VERSIONED_BLOCK + " has " + versions + " versions");
        }
    }

    /** A few calls of each query first: class loading, JIT and PostgreSQL's caches are not what a user waits for. */
    public static void warmUp(BenchEnvironment env, long seed, AgentStates states, StreamHistory histories,
            List<Target> targets) throws Exception {
        for (Target t : targets) {
            QueryRun.time(t.what(), env, QueryRun.instants(seed - 1, t.instants().get(0), t.instants().get(0), 20),
                    t.inProcess(states, histories));
        }
    }
}
