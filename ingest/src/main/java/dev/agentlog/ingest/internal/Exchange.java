package dev.agentlog.ingest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentlog.events.EventCodec;
import dev.agentlog.ingest.ApiKey;
import dev.agentlog.ingest.ApiRequest;
import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.ingest.internal.RequestTargets.BadTargetException;
import dev.agentlog.ingest.internal.Routes.Match;
import dev.agentlog.ingest.internal.Routes.Route;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from Jetty's handler call to its answer: decode the target, match a route, authenticate, read the
 * body against the deadline, run the route, write the answer exactly once, and count it. The rules are documented
 * on {@link dev.agentlog.ingest.IngestHttpServer}.
 */
public final class Exchange {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    public static final String METRICS_PATH = "/metrics";
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    /** Jetty's handler: every request becomes an {@link Exchange}. */
    public static final class Dispatcher extends Handler.Abstract {
        private final ServerState shared;
        private final RequestDeadlines deadlines;

        public Dispatcher(ServerState shared, RequestDeadlines deadlines) {
            this.shared = shared;
            this.deadlines = deadlines;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Connection connection = request.getConnectionMetaData().getConnection();
            long deadlineNanos = deadlines.headArrived(connection);
            Request.addCompletionListener(request, failure -> deadlines.requestDone(connection));
            new Exchange(shared, request, response, callback, getServer().getThreadPool()).run(deadlineNanos);
            return true;
        }
    }

    private final ServerState shared;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Executor executor;
    private final long startedNanos;
    private final AtomicBoolean answered = new AtomicBoolean();
    /** Whether the body was read to its end; if not, the rest is drained after the answer. */
    private volatile boolean bodyRead;
    private final String method;
    private final boolean admitted;
    private String routeTag = "unmatched";

    private Exchange(ServerState shared, Request request, Response response, Callback callback, Executor executor) {
        this.shared = shared;
        this.startedNanos = shared.time.nanoTime();
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.executor = executor;
        this.method = request.getMethod();
        this.admitted = shared.enter();
    }

    private void run(long deadlineNanos) {
        if (!admitted) {
            answer(ApiResponse.error(503, "the server is busy: send the request again shortly, or to another instance")
                    .withHeader("Retry-After", String.valueOf(shared.settings.retryAfterSeconds())));
            return;
        }
        try {
            route(deadlineNanos);
        } catch (RuntimeException | Error e) {
            log.error("ingest: {} {} failed", method, request.getHttpURI().getPath(), e);
            answer(ApiResponse.error(500, "internal error while answering the request; the server log has the details"));
        }
    }

    private void route(long deadlineNanos) {
        String path;
        Map<String, List<String>> query;
        try {
            path = RequestTargets.path(request.getHttpURI().getPath());
            query = RequestTargets.query(request.getHttpURI().getQuery());
        } catch (BadTargetException e) {
            answer(ApiResponse.error(400, e.getMessage()));
            return;
        }
        if (shared.closing()) {
            answer(ApiResponse.error(503, "the server is shutting down: send the request to another instance or "
                    + "again shortly").withHeader("Retry-After", String.valueOf(shared.settings.retryAfterSeconds())));
            return;
        }
        Match match = shared.routes.match(method, path);
        if (match.route() == null) {
            answer(match.refusal());
            return;
        }
        Route route = match.route();
        routeTag = route.path();
        ApiKey key = null;
        if (route.scope() != null) {
            Authorization authorization = Authorization.check(shared.settings.apiKeys(),
                    request.getHeaders().get(HttpHeader.AUTHORIZATION), route.scope());
            if (authorization.refusal() != null) {
                answer(authorization.refusal());
                return;
            }
            key = authorization.key();
        }
        if (route.path().equals(METRICS_PATH)) {
            answerText(200, PROMETHEUS_TYPE, shared.metricsScrape.get());
            return;
        }
        ApiKey caller = key;
        if (!route.takesBody()) {
            bodyRead = request.getLength() == 0;
            handle(route, path, query, new byte[0], caller);
            return;
        }
        long declared = request.getLength();
        int max = shared.settings.maxRequestBytes();
        if (declared > max) {
            answer(ApiResponse.error(413, "the request body is " + declared + " bytes, more than " + max
                    + " (--max-request-bytes): split it into smaller requests").withHeader("Connection", "close"));
            return;
        }
        CompletableFuture<byte[]> body = BodyReader.read(request, max, deadlineNanos - shared.time.nanoTime(),
                request.getComponents().getScheduler());
        if (body.isDone()) {
            continueWith(body, route, path, query, caller);
        } else {
            body.whenComplete((bytes, failure) -> dispatch(() -> continueWith(body, route, path, query, caller)));
        }
    }

    /** Runs the rest on a handler thread: the body may have completed on a selector or the scheduler. */
    private void dispatch(Runnable rest) {
        try {
            executor.execute(rest);
        } catch (RejectedExecutionException e) {
            answer(ApiResponse.error(503, "the server is busy: send the request again shortly")
                    .withHeader("Retry-After", String.valueOf(shared.settings.retryAfterSeconds())));
        }
    }

    private void continueWith(CompletableFuture<byte[]> body, Route route, String path, Map<String, List<String>> query,
            ApiKey key) {
        byte[] bytes;
        try {
            bytes = body.join();
            bodyRead = true;
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof BodyReader.TooLargeException) {
                answer(ApiResponse.error(413, cause.getMessage()).withHeader("Connection", "close"));
            } else if (cause instanceof BodyReader.LateException) {
                bodyRead = true; // a slow client is not waited for again
                answer(ApiResponse.error(408, cause.getMessage()).withHeader("Connection", "close"));
            } else {
                log.debug("ingest: {} {}: {}", method, path, cause.toString());
                answer(ApiResponse.error(400, "the request body could not be read: the connection failed while it "
                        + "arrived").withHeader("Connection", "close"));
            }
            return;
        }
        try {
            handle(route, path, query, bytes, key);
        } catch (RuntimeException | Error e) {
            log.error("ingest: {} {} failed", method, path, e);
            answer(ApiResponse.error(500, "internal error while answering the request; the server log has the details"));
        }
    }

    private void handle(Route route, String path, Map<String, List<String>> query, byte[] body, ApiKey key) {
        ApiRequest apiRequest = new ApiRequest(method, path, query, headers(), body, key);
        ApiResponse answer;
        try {
            answer = route.handler().handle(apiRequest);
        } catch (Exception e) {
            log.error("ingest: the handler of {} {} failed on {} {}", route.method(), route.path(), method, path, e);
            answer = ApiResponse.error(500, "internal error while answering " + method + " " + path
                    + "; the server log has the details");
        }
        answer(answer);
    }

    private Map<String, List<String>> headers() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
        }
        return headers;
    }

    private void answer(ApiResponse answer) {
        if (answer.isFile()) {
            write(answer.status(), answer.contentType(), answer.content(), answer.headers());
            return;
        }
        byte[] body;
        try {
            body = EventCodec.JSON.writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            log.error("ingest: cannot write the answer to {} {}", method, request.getHttpURI().getPath(), e);
            body = "{\"error\":\"internal error while writing the answer\"}".getBytes(StandardCharsets.UTF_8);
            answer = ApiResponse.error(500, "internal error");
        }
        write(answer.status(), JSON_TYPE, body, answer.headers());
    }

    private void answerText(int status, String contentType, String text) {
        write(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private void write(int status, String contentType, byte[] body, Map<String, String> headers) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        response.write(true, ByteBuffer.wrap(body), new Callback() {
            @Override
            public void succeeded() {
                if (bodyRead) {
                    complete();
                } else {
                    BodyReader.drain(request, shared.settings.maxRequestBytes(), this::complete);
                }
            }

            private void complete() {
                finish(status);
                callback.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                log.debug("ingest: cannot answer {} {}: {}", method, request.getHttpURI().getPath(), failure.toString());
                finish(status);
                callback.failed(failure);
            }
        });
    }

    private void finish(int status) {
        Timer.builder("agentlog.ingest.http.requests").tag("route", routeTag)
                .tag("method", KNOWN_METHODS.contains(method) ? method : "other").tag("status", String.valueOf(status))
                .description("HTTP requests answered, by route and status").register(shared.registry)
                .record(shared.time.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        shared.leave();
    }
}
