package dev.agentlog.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentlog.events.EventCodec;
import dev.agentlog.ingest.internal.EventsEndpoint;
import dev.agentlog.ingest.internal.QueryStrings;
import dev.agentlog.ingest.internal.RequestBodies;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of ingest, on the JDK's own {@link HttpServer}.
 *
 * <h2>Routes</h2>
 * <ul>
 * <li>{@code POST /v1/events} (API key): one event object, or an array of them.</li>
 * <li>{@code GET /healthz}: 200 {@code {"status":"ok"}} while the process runs.</li>
 * <li>{@code GET /readyz}: 200 when the readiness check says Kafka is reachable, else 503.</li>
 * <li>{@code GET /metrics}: the Prometheus scrape ({@code text/plain; version=0.0.4}).</li>
 * <li>whatever the application adds with {@link #route} (API key) and {@link #publicRoute}.</li>
 * </ul>
 * An unknown path is 404, a known path with another method 405 (with {@code Allow}). {@code /healthz},
 * {@code /readyz} and {@code /metrics} need no key: bind to a private interface if that matters.
 *
 * <h2>{@code POST /v1/events}</h2>
 * Checked in this order:
 * <ol>
 * <li>401 without {@code Authorization: Bearer <key>} of a configured key ({@code WWW-Authenticate: Bearer};
 *     the presented key is never echoed or logged).</li>
 * <li>413 when {@code Content-Length} is over {@code --max-request-bytes} (before reading), or when a body
 *     without a length (chunked) grows past it (reading stops there).</li>
 * <li>415 unless the {@code Content-Type} is {@code application/json} (any charset parameter),
 *     {@code application/*+json}, or absent. {@code curl --data} sends
 *     {@code application/x-www-form-urlencoded} by default: that is refused, so add the header.</li>
 * <li>400 for a body that is not JSON, not an object or array, or an empty array; 413 for more than
 *     {@code --max-events-per-request} events. Nothing is published then.</li>
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
 * <h2>Threads and lifecycle</h2>
 * Requests run on a fixed pool of {@code --http-threads} threads with a bounded queue (32 per thread);
 * a connection that arrives when the queue is full is closed without an answer. {@link #route} may be
 * called before or after {@link #start()}. {@link #close()} stops taking requests (503), waits up to the
 * publish timeout for requests in flight, then stops the server; it does not close the publisher.
 *
 * <h2>Metrics</h2>
 * {@code agentlog.ingest.http.requests} (timer; route, method, status),
 * {@code agentlog.ingest.events.accepted}, {@code agentlog.ingest.events.refused} (reason: invalid,
 * too_large), {@code agentlog.ingest.events.unacknowledged} (reason: kafka_unavailable, kafka_error),
 * {@code agentlog.ingest.publish.latency} (timer per request; outcome: acked, unavailable, failed).
 */
public final class IngestHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestHttpServer.class);
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final int QUEUE_PER_THREAD = 32;
    private static final int BACKLOG = 128;

    private final IngestSettings settings;
    private final MeterRegistry registry;
    private final Supplier<String> metricsScrape;
    private final BooleanSupplier readiness;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final Object inFlightLock = new Object();
    private int inFlight;
    private volatile boolean closing;
    private HttpServer server;
    private ThreadPoolExecutor executor;

    /**
     * @param metricsScrape the Prometheus text for {@code GET /metrics} (e.g. {@code prometheusRegistry::scrape})
     * @param readiness     whether Kafka is reachable, for {@code GET /readyz}; may block briefly
     */
    public IngestHttpServer(IngestSettings settings, EventPublisher publisher, EventCodec codec, MeterRegistry registry,
            Supplier<String> metricsScrape, BooleanSupplier readiness) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.metricsScrape = Objects.requireNonNull(metricsScrape, "metricsScrape");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        EventsEndpoint events = new EventsEndpoint(settings, Objects.requireNonNull(publisher, "publisher"),
                Objects.requireNonNull(codec, "codec"), registry);
        routes.add(new Route("POST", "/v1/events", true, true, events));
        routes.add(new Route("GET", "/healthz", true, false, request -> status("ok")));
        routes.add(new Route("GET", "/readyz", true, false, request -> ready()));
        // Answered as text in dispatch(); the handler is never called.
        routes.add(new Route("GET", "/metrics", true, false, request -> status("ok")));
    }

    /**
     * Adds a route that needs an API key ({@code ApiRequest.keyName()} says whose). {@code pathPrefix}
     * matches that path and everything below it: {@code /v1/agents} matches {@code /v1/agents/a-1/history}.
     * The longest matching prefix with the request's method wins.
     */
    public IngestHttpServer route(String method, String pathPrefix, RouteHandler handler) {
        routes.add(new Route(checkMethod(method), checkPath(pathPrefix), false, true, Objects.requireNonNull(handler)));
        return this;
    }

    /** Adds a route that anyone may call, without an API key. */
    public IngestHttpServer publicRoute(String method, String pathPrefix, RouteHandler handler) {
        routes.add(new Route(checkMethod(method), checkPath(pathPrefix), false, false, Objects.requireNonNull(handler)));
        return this;
    }

    /**
     * Binds and starts answering.
     *
     * @throws UncheckedIOException when the address cannot be bound (the message says which and what to do)
     */
    public synchronized IngestHttpServer start() {
        if (server != null) {
            throw new IllegalStateException("the ingest HTTP server is already started on port " + port());
        }
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        try {
            server = HttpServer.create(address, BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + " ("
                    + e.getMessage() + "): choose another --http-port or stop what uses it", e);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        executor = new ThreadPoolExecutor(settings.httpThreads(), settings.httpThreads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE_PER_THREAD * settings.httpThreads()),
                runnable -> new Thread(runnable, "agentlog-http-" + threadNumber.incrementAndGet()),
                new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        log.info("ingest: listening on http://{}:{} ({})", settings.host(), port(), settings);
        return this;
    }

    /** The bound port (the real one when {@code --http-port 0}). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the ingest HTTP server is not started");
        }
        return server.getAddress().getPort();
    }

    /** Stops taking requests, waits up to the publish timeout for those in flight, stops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (server == null) {
            return;
        }
        awaitIdle(settings.publishTimeoutMs() + 2_000);
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("ingest: HTTP server on port {} stopped", server.getAddress().getPort());
    }

    private void awaitIdle(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (inFlightLock) {
            while (inFlight > 0) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    log.warn("ingest: closing with {} requests still in flight after {} ms", inFlight, timeoutMs);
                    return;
                }
                try {
                    inFlightLock.wait(remainingMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void dispatch(HttpExchange exchange) {
        synchronized (inFlightLock) {
            inFlight++;
        }
        long started = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = Optional.ofNullable(exchange.getRequestURI().getPath()).orElse("/");
        String routeTag = "unmatched";
        int status = 500;
        try {
            Route route = null;
            ApiResponse response;
            if (closing) {
                response = ApiResponse.error(503, "the server is shutting down: send the request to another instance or "
                        + "again shortly").withHeader("Retry-After", String.valueOf(settings.retryAfterSeconds()));
            } else {
                Match match = match(method, path);
                route = match.route;
                routeTag = route == null ? routeTag : route.path;
                response = match.route == null ? match.refusal : handle(exchange, method, path, route);
            }
            if (route != null && route.path.equals("/metrics") && response.status() == 200) {
                status = write(exchange, method, 200, PROMETHEUS_TYPE, metricsScrape.get().getBytes(StandardCharsets.UTF_8),
                        Map.of());
            } else {
                status = write(exchange, method, response.status(), JSON_TYPE,
                        EventCodec.JSON.writeValueAsBytes(response.body()), response.headers());
            }
        } catch (IOException e) {
            log.debug("ingest: cannot answer {} {}: {}", method, path, e.toString());
        } catch (RuntimeException e) {
            log.error("ingest: {} {} failed", method, path, e);
        } finally {
            exchange.close();
            Timer.builder("agentlog.ingest.http.requests").tag("route", routeTag)
                    .tag("method", KNOWN_METHODS.contains(method) ? method : "other").tag("status", String.valueOf(status))
                    .description("HTTP requests answered, by route and status").register(registry)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
        }
    }

    /** Authenticates, reads the body within the limit, calls the route. */
    private ApiResponse handle(HttpExchange exchange, String method, String path, Route route) throws IOException {
        String keyName = null;
        if (route.authenticated) {
            Optional<ApiResponse> refusal = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
            if (refusal.isPresent()) {
                return refusal.get();
            }
            keyName = keyNameOf(exchange.getRequestHeaders().getFirst("Authorization"));
        }
        byte[] body;
        try {
            body = RequestBodies.read(exchange.getRequestBody(), exchange.getRequestHeaders().getFirst("Content-Length"),
                    settings.maxRequestBytes());
        } catch (RequestBodies.TooLargeException e) {
            // The rest of the body is drained after the answer is written (see write()); the connection is
            // not reused.
            return ApiResponse.error(413, e.getMessage()).withHeader("Connection", "close");
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        ApiRequest request = new ApiRequest(method, path, QueryStrings.parse(exchange.getRequestURI().getRawQuery()),
                exchange.getRequestHeaders(), body, keyName);
        try {
            return route.handler.handle(request);
        } catch (Exception e) {
            log.error("ingest: the handler of {} {} failed on {} {}", route.method, route.path, method, path, e);
            return ApiResponse.error(500, "internal error while answering " + method + " " + path
                    + "; the server log has the details");
        }
    }

    private Optional<ApiResponse> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.of(unauthorized("missing API key: send the header Authorization: Bearer <key>", null));
        }
        String key = bearerKey(authorization);
        if (key == null) {
            return Optional.of(unauthorized("the Authorization header must be 'Bearer <key>'", "invalid_request"));
        }
        if (settings.apiKeys().nameOf(key).isEmpty()) {
            return Optional.of(unauthorized("unknown API key (not shown here): check the key the server was started "
                    + "with (--api-keys)", "invalid_token"));
        }
        return Optional.empty();
    }

    private String keyNameOf(String authorization) {
        return settings.apiKeys().nameOf(bearerKey(authorization)).orElseThrow();
    }

    private static String bearerKey(String authorization) {
        String value = authorization.trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String key = value.substring(7).trim();
        return key.isEmpty() ? null : key;
    }

    private static ApiResponse unauthorized(String message, String error) {
        return ApiResponse.error(401, message).withHeader("WWW-Authenticate",
                "Bearer realm=\"agentlog\"" + (error == null ? "" : ", error=\"" + error + "\""));
    }

    private ApiResponse ready() {
        boolean ready;
        try {
            ready = !closing && readiness.getAsBoolean();
        } catch (RuntimeException e) {
            log.debug("ingest: readiness check failed", e);
            ready = false;
        }
        if (ready) {
            return status("ready");
        }
        ObjectNode body = EventCodec.JSON.createObjectNode();
        body.put("status", "not ready");
        body.put("error", closing ? "the server is shutting down" : "Kafka is not reachable");
        return ApiResponse.json(503, body);
    }

    private static ApiResponse status(String status) {
        ObjectNode body = EventCodec.JSON.createObjectNode();
        body.put("status", status);
        return ApiResponse.ok(body);
    }

    private Match match(String method, String path) {
        Route best = null;
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            if (!route.matches(path)) {
                continue;
            }
            allowed.add(route.method);
            if (route.method.equals(method) && (best == null || route.path.length() > best.path.length())) {
                best = route;
            }
        }
        if (best != null) {
            return new Match(best, null);
        }
        if (!allowed.isEmpty()) {
            return new Match(null, ApiResponse.error(405, method + " is not allowed on " + path + "; use "
                    + String.join(" or ", allowed)).withHeader("Allow", String.join(", ", allowed)));
        }
        List<String> known = new ArrayList<>();
        for (Route route : routes) {
            known.add(route.method + " " + route.path + (route.exact ? "" : "/..."));
        }
        return new Match(null, ApiResponse.error(404, "no route for " + method + " " + path + "; the routes are: "
                + String.join(", ", known)));
    }

    private int write(HttpExchange exchange, String method, int status, String contentType, byte[] body,
            Map<String, String> headers) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        boolean noBody = method.equals("HEAD") || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
                out.flush();
                if (status == 413) {
                    drainRequest(exchange);
                }
            }
        }
        return status;
    }

    /**
     * Reads and drops what is left of a refused request body (up to another --max-request-bytes) before the
     * connection closes: closing a socket with unread input sends a TCP reset, and a client still uploading
     * would then lose the 413 it was sent instead of reading it. Closing the response stream would drain only
     * 64 KiB, so this runs before.
     */
    private void drainRequest(HttpExchange exchange) {
        byte[] buffer = new byte[64 * 1024];
        long left = settings.maxRequestBytes();
        try {
            InputStream in = exchange.getRequestBody();
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= n;
            }
        } catch (IOException e) {
            log.debug("ingest: client went away while its refused body was drained: {}", e.toString());
        }
    }

    private static String checkMethod(String method) {
        if (method == null || !method.matches("[A-Za-z]+")) {
            throw new IllegalArgumentException("route method must be an HTTP method such as GET, was '" + method + "'");
        }
        return method.toUpperCase(Locale.ROOT);
    }

    private static String checkPath(String pathPrefix) {
        if (pathPrefix == null || !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/', was '" + pathPrefix + "'");
        }
        return pathPrefix.length() > 1 && pathPrefix.endsWith("/")
                ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix;
    }

    private record Route(String method, String path, boolean exact, boolean authenticated, RouteHandler handler) {
        boolean matches(String requestPath) {
            return requestPath.equals(path)
                    || !exact && requestPath.startsWith(path.equals("/") ? path : path + "/");
        }
    }

    private record Match(Route route, ApiResponse refusal) {}
}
