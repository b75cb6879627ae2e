package dev.agentlog.query;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Timestamps;
import dev.agentlog.ingest.ApiRequest;
import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.ingest.IngestHttpServer;
import dev.agentlog.ingest.Scope;
import dev.agentlog.query.AgentState;
import dev.agentlog.query.AgentStates;
import dev.agentlog.query.StreamHistory;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The read side of the HTTP API, over the projection tables (an API key with the scope {@code state:read}):
 * <ul>
 *   <li>{@code GET /v1/agents?query=&page=&page_size=}: the agents whose name or id holds {@code query}, paged
 *       ({@link AgentDirectory}).</li>
 *   <li>{@code GET /v1/agents/{id}/timeline?types=a,b&from=&to=&after=&limit=}: every event of the agent's streams in
 *       time order, filtered and paged ({@link AgentTimeline}); {@code next_after} is the next page's {@code after}.</li>
 *   <li>{@code GET /v1/agents/{id}}: the agent's state now; {@code ?at=<RFC 3339>}: as it was then;
 *       {@code ?passages=N}: newest passages per archive (default {@value AgentStates#DEFAULT_LATEST_PASSAGES}).
 *       404 when nothing is known of the agent (by then); 410 when {@code at} is older than what the log still holds
 *       (before the oldest snapshot kept: {@link LogHorizon}).</li>
 *   <li>{@code GET /v1/agents/{id}/history}, {@code GET /v1/blocks/{id}/history}: every change in stream order;
 *       {@code ?after_seq=N&limit=M} pages (default limit {@value StreamHistory#DEFAULT_LIMIT}); the answer's
 *       {@code next_after_seq} is the next page's {@code after_seq}, null on the last page.</li>
 * </ul>
 * 400 names the parameter that is wrong. Runs on the HTTP server's threads; each request reads one snapshot.
 * A request whose key has a tenant sees only that tenant's agents, blocks and archives: another tenant's is 404,
 * the same answer as one that does not exist (see {@code AgentStates}, {@code StreamHistory}).
 */
public final class QueryRoutes {
    private static final String AGENTS = "/v1/agents";
    private static final String BLOCKS = "/v1/blocks";

    private final AgentStates states;
    private final StreamHistory histories;
    private final AgentDirectory directory;
    private final AgentTimeline timelines;
    private final Function<ApiRequest, String> tenantOf;

    private QueryRoutes(DataSource dataSource, String schema, Function<ApiRequest, String> tenantOf, EventCodec codec) {
        this.states = new AgentStates(dataSource, schema).withCodec(codec);
        this.histories = new StreamHistory(dataSource, schema).withCodec(codec);
        this.directory = new AgentDirectory(dataSource, schema);
        this.timelines = new AgentTimeline(dataSource, schema).withCodec(codec);
        this.tenantOf = tenantOf;
    }

    /** As {@link #register(IngestHttpServer, DataSource, String)}, reading the log with {@code codec} (docs/privacy.md). */
    public static void register(IngestHttpServer server, DataSource dataSource, String schema, EventCodec codec) {
        register(server, dataSource, schema, request -> request.key() == null ? null : request.key().tenant(), codec);
    }

    /** Adds the routes to the server (before or after it started); a key with a tenant reads only that tenant's data. */
    public static void register(IngestHttpServer server, DataSource dataSource, String schema) {
        register(server, dataSource, schema, request -> request.key() == null ? null : request.key().tenant());
    }

    /**
     * Adds the routes to the server (before or after it started), each needing a key with the state:read scope.
     *
     * @param tenantOf the tenant whose data the request may read; null for a key without one (it reads every
     *                 tenant's)
     */
    public static void register(IngestHttpServer server, DataSource dataSource, String schema,
            Function<ApiRequest, String> tenantOf) {
        register(server, dataSource, schema, tenantOf, EventCodec.standard());
    }

    /** As above, reading the log with {@code codec}: one that opens sealed payloads when encryption is on. */
    public static void register(IngestHttpServer server, DataSource dataSource, String schema,
            Function<ApiRequest, String> tenantOf, EventCodec codec) {
        QueryRoutes routes = new QueryRoutes(dataSource, schema, tenantOf, codec);
        server.route("GET", AGENTS, Scope.STATE_READ, routes::agents);
        server.route("GET", BLOCKS, Scope.STATE_READ, routes::blocks);
    }

    private ApiResponse agents(ApiRequest request) throws Exception {
        if (request.path().equals(AGENTS)) {
            return list(request);
        }
        String rest = request.pathAfter(AGENTS + "/");
        if (rest.endsWith("/history")) {
            return history(request, rest.substring(0, rest.length() - "/history".length()), "agent");
        }
        if (rest.endsWith("/timeline")) {
            return timeline(request, rest.substring(0, rest.length() - "/timeline".length()));
        }
        if (!validId(rest) || request.path().equals(AGENTS)) {
            return ApiResponse.error(404, "no route for GET " + request.path() + ": use " + AGENTS + "/{id}, "
                    + AGENTS + "/{id}?at=<RFC 3339>, " + AGENTS + "/{id}/history or " + AGENTS + "/{id}/timeline");
        }
        Instant at;
        int passages;
        try {
            at = instantParam(request, "at");
            passages = intParam(request, "passages", AgentStates.DEFAULT_LATEST_PASSAGES, 0, 10_000);
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        Optional<String> atParam = request.queryParam("at");
        String tenant = tenantOf.apply(request);
        Optional<AgentState> state;
        try {
            state = at == null ? states.current(rest, passages, tenant) : states.at(rest, at, passages, tenant);
        } catch (LogHorizon.BeforeHorizon e) {
            return ApiResponse.error(410, e.getMessage());
        }
        if (state.isEmpty()) {
            return ApiResponse.error(404, "no agent " + rest + (at == null ? "" : " at " + atParam.get()));
        }
        return ApiResponse.ok(state.get().toJson());
    }

    private ApiResponse blocks(ApiRequest request) throws Exception {
        String rest = request.pathAfter(BLOCKS + "/");
        if (rest.endsWith("/history")) {
            return history(request, rest.substring(0, rest.length() - "/history".length()), "block");
        }
        return ApiResponse.error(404, "no route for GET " + request.path() + ": use " + BLOCKS + "/{id}/history");
    }

    private ApiResponse history(ApiRequest request, String id, String kind) throws Exception {
        if (!validId(id)) {
            return ApiResponse.error(404, "no route for GET " + request.path() + ": the " + kind + " id is missing");
        }
        long afterSeq;
        int limit;
        try {
            afterSeq = intParam(request, "after_seq", 0, 0, Integer.MAX_VALUE);
            limit = intParam(request, "limit", StreamHistory.DEFAULT_LIMIT, 1, StreamHistory.MAX_LIMIT);
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        Optional<StreamHistory.History> history = histories.of(id, afterSeq, limit, tenantOf.apply(request));
        if (history.isEmpty()) {
            return ApiResponse.error(404, "no events of " + kind + " " + id);
        }
        return ApiResponse.ok(history.get().toJson());
    }

    private ApiResponse list(ApiRequest request) throws Exception {
        AgentDirectory.Page page;
        try {
            page = directory.list(request.queryParam("query").orElse(null), intParam(request, "page", 1, 1, 1_000_000),
                    intParam(request, "page_size", AgentDirectory.DEFAULT_PAGE_SIZE, 1, AgentDirectory.MAX_PAGE_SIZE),
                    tenantOf.apply(request));
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        return ApiResponse.ok(page.toJson());
    }

    private ApiResponse timeline(ApiRequest request, String id) throws Exception {
        if (!validId(id)) {
            return ApiResponse.error(404, "no route for GET " + request.path() + ": the agent id is missing");
        }
        AgentTimeline.Filter filter;
        try {
            Set<String> types = new LinkedHashSet<>();
            for (String type : request.queryParam("types").orElse("").split(",")) {
                if (!type.isBlank()) {
                    types.add(type.strip());
                }
            }
            filter = new AgentTimeline.Filter(types, instantParam(request, "from"), instantParam(request, "to"),
                    request.queryParam("after").filter(a -> !a.isEmpty()).orElse(null),
                    intParam(request, "limit", AgentTimeline.DEFAULT_LIMIT, 1, AgentTimeline.MAX_LIMIT));
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        Optional<AgentTimeline.Page> page = timelines.of(id, filter, tenantOf.apply(request));
        if (page.isEmpty()) {
            return ApiResponse.error(404, "no events of agent " + id);
        }
        return ApiResponse.ok(page.get().toJson());
    }

    /** An RFC 3339 parameter; null when absent. */
    private static Instant instantParam(ApiRequest request, String name) {
        Optional<String> value = request.queryParam(name);
        if (value.isEmpty()) {
            return null;
        }
        return Timestamps.parse(value.get()).map(t -> t.toInstant()).orElseThrow(() -> new IllegalArgumentException(
                name + " must be an RFC 3339 timestamp with offset, e.g. 2026-11-24T10:15:30Z (URL-encode '+' as %2B),"
                        + " was '" + value.get() + "'"));
    }

    private static boolean validId(String id) {
        return !id.isEmpty() && !id.contains("/") && id.length() <= 256;
    }

    private static int intParam(ApiRequest request, String name, int defaultValue, int min, int max) {
        Optional<String> value = request.queryParam(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be an integer between " + min + " and " + max + ", was '"
                + value.get() + "'");
    }
}
