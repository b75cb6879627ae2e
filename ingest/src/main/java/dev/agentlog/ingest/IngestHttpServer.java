package dev.agentlog.ingest;

import dev.agentlog.client.EventPublisher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.ingest.internal.EventsEndpoint;
import dev.agentlog.ingest.internal.Exchange;
import dev.agentlog.ingest.internal.ServerState;
import dev.agentlog.ingest.internal.JsonErrorHandler;
import dev.agentlog.ingest.internal.RateLimiter;
import dev.agentlog.ingest.internal.RequestDeadlines;
import dev.agentlog.ingest.internal.Routes;
import dev.agentlog.ingest.internal.ServerTls;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of ingest, on Jetty 12 (its core handler API, HTTP/1.1 with keep-alive; HTTPS when
 * {@link IngestSettings#tls()} is set).
 *
 * <h2>Routes and scopes</h2>
 * <ul>
 * <li>{@code POST /v1/events} (scope {@code events:write}): one event object, or an array of them.</li>
 * <li>{@code GET /metrics} (scope {@code metrics:read}): the Prometheus scrape ({@code text/plain; version=0.0.4}).</li>
 * <li>{@code GET /healthz} (open): 200 {@code {"status":"ok"}} while the process runs.</li>
 * <li>{@code GET /readyz} (open): 200 when the readiness check says Kafka is reachable and every component of the
 *     process's {@link Readiness} is ready (ingest's own is down from a 503 for an unavailable Kafka to the next 202;
 *     in {@code up} the sink's and the processor's are there too), else 503 with what is not ready.</li>
 * <li>whatever the application adds with {@link #route} (a scope) and {@link #publicRoute} (open).</li>
 * </ul>
 * Checked in this order: a path or query that is not valid percent-encoded UTF-8, or holds a control character,
 * 400; an unknown path 404; a known path with another method 405 (with {@code Allow}); no or an unknown key 401
 * ({@code WWW-Authenticate: Bearer}; the presented key is never echoed or logged); a key without the route's
 * scope 403. Jetty's own refusals (a request it cannot parse, a header too large) come in the same JSON shape.
 * Nothing a client sends is answered with a 5xx: those mean the server or Kafka failed.
 *
 * <h2>{@code POST /v1/events}</h2>
 * <ol>
 * <li>413 when {@code Content-Length} is over {@code --max-request-bytes} (before reading), or when a body
 *     without a length (chunked) grows past it (reading stops there; the connection is closed after the answer).</li>
 * <li>415 unless the {@code Content-Type} is {@code application/json} (any charset parameter),
 *     {@code application/*+json}, or absent. {@code curl --data} sends
 *     {@code application/x-www-form-urlencoded} by default: that is refused, so add the header.</li>
 * <li>400 for a body that is not JSON (or nests deeper than {@value EventCodec#MAX_NESTING_DEPTH}), not an object
 *     or array, or an empty array; 413 for more than {@code --max-events-per-request} events. Nothing is published.</li>
 * <li>429 with {@code Retry-After} when the key is over {@code --rate-limit-per-key}: each event of the request
 *     takes a token of the key's bucket ({@code --rate-limit-burst}); nothing is published.</li>
 * <li>Each event is decoded and validated on its own; the valid ones are published (in request order) and
 *     the answer waits for Kafka's acks ({@code acks=all}). An event without {@code source} gets
 *     {@code http:<key name>}.</li>
 * </ol>
 * The answer: {@code {"accepted":N,"refused":M,"error":"...","results":[...]}} with one result per event, by
 * index: {@code {"index":0,"event_id":"..","status":"accepted","partition":p,"offset":o}},
 * {@code {"index":1,"event_id":"..","status":"refused","errors":[{"field":"payload.message_id","rule":"is required"}]}},
 * {@code {"status":"unavailable","error":".."}} (not acknowledged: Kafka unavailable) or
 * {@code {"status":"failed","error":".."}} (Kafka refused it). The {@code error} summary names each refused
 * field with its index in a batch ({@code [3].payload.message_id: is required}; no index for a single
 * object). The status of the whole request:
 * <ul>
 * <li>202: every event accepted: each is in Kafka with acks=all.</li>
 * <li>503 with {@code Retry-After} (seconds): Kafka did not acknowledge some events within
 *     {@code --publish-timeout-ms}. Events listed as accepted are in Kafka; nothing else is.</li>
 * <li>500: Kafka refused some events for a reason other than availability (e.g. authorization).</li>
 * <li>413: no event accepted, and every one was refused for its size ({@code --max-event-bytes}).</li>
 * <li>400: some events refused (invalid, or too large beside others): the valid events of the same request
 *     <b>were</b> taken and are listed as accepted.</li>
 * </ul>
 * So a client may always re-send a whole request after a non-202: accepted events are dropped as
 * duplicates by {@code event_id} downstream.
 *
 * <h2>Slow clients, threads and lifecycle</h2>
 * A connection on which nothing moves for {@code --http-idle-timeout-ms} is closed. Each request, head and
 * body, must have arrived within {@code --http-request-timeout-ms} of the moment the server was ready for it
 * ({@link RequestDeadlines}); a late head gets the connection closed, a late body a 408 and then the close.
 * Bodies are read as they arrive, without holding a thread; handlers run on a pool of {@code --http-threads}
 * threads (plus Jetty's acceptor and selector); at most 32 requests per thread are taken at once (read, waiting
 * or answered), and one more is answered 503 with {@code Retry-After} at once. {@link #route} may be called before or after {@link #start()}. {@link #close()}
 * stops taking requests (503), waits up to the publish timeout for requests in flight, then stops the server;
 * it does not close the publisher.
 *
 * <h2>Metrics</h2>
 * {@code agentlog.ingest.http.requests} (timer; route, method, status), {@code agentlog.ingest.http.cut}
 * (connections closed for a late request head), {@code agentlog.ingest.events.accepted},
 * {@code agentlog.ingest.events.refused} (reason: invalid, too_large, rate_limited),
 * {@code agentlog.ingest.events.unacknowledged} (reason: kafka_unavailable, kafka_error),
 * {@code agentlog.ingest.publish.latency} (timer per request; outcome: acked, unavailable, failed).
 */
public final class IngestHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestHttpServer.class);
    /** Requests taken at once per handler thread (being read, waiting for a thread, or answered); more get 503. */
    private static final int REQUESTS_PER_THREAD = 32;
    /** Jetty's own threads beside the handlers': one acceptor, one selector (two cores), and one spare. */
    private static final int JETTY_THREADS = 3;
    /** The name of ingest's component in the process's {@link Readiness} and in the {@code agentlog.ready} gauge. */
    public static final String READINESS_COMPONENT = "ingest";

    private final IngestSettings settings;
    private final MeterRegistry registry;
    private final Routes routes = new Routes();
    private final ServerState shared;
    private final Time time;
    private final Readiness components;
    private Server server;
    private ServerConnector connector;

    /**
     * @param metricsScrape the Prometheus text for {@code GET /metrics} (e.g. {@code prometheusRegistry::scrape})
     * @param readiness     whether Kafka is reachable, for {@code GET /readyz}; may block briefly
     */
    public IngestHttpServer(IngestSettings settings, EventPublisher publisher, EventCodec codec, MeterRegistry registry,
            Supplier<String> metricsScrape, BooleanSupplier readiness) {
        this(settings, publisher, codec, registry, metricsScrape, readiness, new Readiness(), Time.SYSTEM);
    }

    /**
     * @param components the process's parts, for {@code GET /readyz}; ingest adds its own ({@code ingest}), down
     *     while Kafka cannot take events
     */
    public IngestHttpServer(IngestSettings settings, EventPublisher publisher, EventCodec codec, MeterRegistry registry,
            Supplier<String> metricsScrape, BooleanSupplier readiness, Readiness components) {
        this(settings, publisher, codec, registry, metricsScrape, readiness, components, Time.SYSTEM);
    }

    /** @param time the server's clock: rate limits, request deadlines and durations */
    IngestHttpServer(IngestSettings settings, EventPublisher publisher, EventCodec codec, MeterRegistry registry,
            Supplier<String> metricsScrape, BooleanSupplier readiness, Time time) {
        this(settings, publisher, codec, registry, metricsScrape, readiness, new Readiness(), time);
    }

    private IngestHttpServer(IngestSettings settings, EventPublisher publisher, EventCodec codec, MeterRegistry registry,
            Supplier<String> metricsScrape, BooleanSupplier readiness, Readiness components, Time time) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.time = Objects.requireNonNull(time, "time");
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(metricsScrape, "metricsScrape");
        Objects.requireNonNull(readiness, "readiness");
        RateLimiter limiter = settings.rateLimitPerKey() == 0 ? null
                : new RateLimiter(settings.rateLimitPerKey(), settings.rateLimitBurst(), time::nanoTime);
        this.components = Objects.requireNonNull(components, "components");
        EventsEndpoint events = new EventsEndpoint(settings, Objects.requireNonNull(publisher, "publisher"),
                Objects.requireNonNull(codec, "codec"), registry, limiter, components.component(READINESS_COMPONENT));
        this.shared = new ServerState(settings, registry, routes, metricsScrape,
                REQUESTS_PER_THREAD * settings.httpThreads(), time);
        routes.add("POST", "/v1/events", true, Scope.EVENTS_WRITE, events);
        routes.add("GET", "/healthz", true, null, request -> status("ok"));
        routes.add("GET", "/readyz", true, null, request -> ready(readiness));
        routes.add("GET", Exchange.METRICS_PATH, true, Scope.METRICS_READ, request -> status("ok")); // text, see Exchange
    }

    /**
     * Adds a route that needs an API key with {@code scope} ({@code ApiRequest.key()} says whose).
     * {@code pathPrefix} matches that path and everything below it: {@code /v1/agents} matches
     * {@code /v1/agents/a-1/history}. The longest matching prefix with the request's method wins.
     */
    public IngestHttpServer route(String method, String pathPrefix, Scope scope, RouteHandler handler) {
        routes.add(method, pathPrefix, false, Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(handler));
        return this;
    }

    /** Adds a route that anyone may call, without an API key. */
    public IngestHttpServer publicRoute(String method, String pathPrefix, RouteHandler handler) {
        routes.add(method, pathPrefix, false, null, Objects.requireNonNull(handler));
        return this;
    }

    /**
     * Binds and starts answering.
     *
     * @throws UncheckedIOException     when the address cannot be bound (the message says which and what to do)
     * @throws IllegalArgumentException when a TLS file cannot be used (the message names the option)
     */
    public synchronized IngestHttpServer start() {
        if (server != null) {
            throw new IllegalStateException("the ingest HTTP server is already started on port " + port());
        }
        int threads = settings.httpThreads() + JETTY_THREADS;
        // Jetty wants its queue unbounded (its own tasks go through it too); Exchange bounds the requests instead.
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(threads, 4), 60_000, 0, null, null);
        pool.setName("agentlog-http");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // Bad escapes, bad UTF-8 and control characters in a path are left to RequestTargets, whose 400 says what
        // and where; Jetty's own answer would be a bare "Bad Request". Ambiguous paths Jetty still refuses.
        http.setUriCompliance(UriCompliance.DEFAULT.with("agentlog", UriCompliance.Violation.BAD_UTF8_ENCODING,
                UriCompliance.Violation.TRUNCATED_UTF8_ENCODING, UriCompliance.Violation.BAD_PERCENT_ENCODING,
                UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS, UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS,
                UriCompliance.Violation.UTF16_ENCODINGS));
        HttpConnectionFactory httpConnections = new HttpConnectionFactory(http);
        Counter cut = Counter.builder("agentlog.ingest.http.cut")
                .description("Connections closed because a request's head did not arrive within --http-request-timeout-ms")
                .register(registry);
        RequestDeadlines deadlines = new RequestDeadlines(settings.requestTimeoutMs(), server.getScheduler(),
                time::nanoTime, cut::increment);
        httpConnections.addBean(deadlines);
        if (settings.tls() != null) {
            http.addCustomizer(new SecureRequestCustomizer());
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ServerTls.contextFactory(settings.tls()),
                    HttpVersion.HTTP_1_1.asString()), httpConnections);
        } else {
            connector = new ServerConnector(server, 1, 1, httpConnections);
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeoutMs());
        server.addConnector(connector);
        server.setHandler(new Exchange.Dispatcher(shared, deadlines));
        server.setErrorHandler(new JsonErrorHandler());
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + " ("
                    + e.getMessage() + "): choose another --http-port or stop what uses it", e);
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("cannot start the HTTP server on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
        log.info("ingest: listening on {}://{}:{} (keys: {}; {})", settings.scheme(), settings.host(), port(),
                settings.apiKeys().summary(), settings);
        return this;
    }

    /** The bound port (the real one when {@code --http-port 0}). */
    public synchronized int port() {
        if (connector == null || connector.getLocalPort() < 0) {
            throw new IllegalStateException("the ingest HTTP server is not started");
        }
        return connector.getLocalPort();
    }

    /** Stops taking requests, waits up to the publish timeout for those in flight, stops. Idempotent. */
    @Override
    public synchronized void close() {
        if (!shared.beginClosing() || server == null) {
            return;
        }
        int port = connector.getLocalPort();
        shared.awaitIdle(settings.publishTimeoutMs() + 2_000);
        stopQuietly();
        log.info("ingest: HTTP server on port {} stopped", port);
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("ingest: error while stopping the HTTP server", e);
        }
    }

    private ApiResponse ready(BooleanSupplier readiness) {
        boolean kafkaReachable;
        try {
            kafkaReachable = readiness.getAsBoolean();
        } catch (RuntimeException e) {
            log.debug("ingest: readiness check failed", e);
            kafkaReachable = false;
        }
        java.util.List<String> problems = new java.util.ArrayList<>();
        if (shared.closing()) {
            problems.add("the server is shutting down");
        }
        if (!kafkaReachable) {
            problems.add("Kafka is not reachable");
        }
        problems.addAll(components.problems());
        if (problems.isEmpty()) {
            return status("ready");
        }
        ObjectNode body = EventCodec.JSON.createObjectNode();
        body.put("status", "not ready");
        body.put("error", String.join("; ", problems));
        return ApiResponse.json(503, body);
    }

    private static ApiResponse status(String status) {
        ObjectNode body = EventCodec.JSON.createObjectNode();
        body.put("status", status);
        return ApiResponse.ok(body);
    }
}
