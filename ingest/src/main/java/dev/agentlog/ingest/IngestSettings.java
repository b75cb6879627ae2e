package dev.agentlog.ingest;

import dev.agentlog.client.PublisherSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the HTTP ingest server. Immutable; the compact constructor reports every problem at once,
 * named by its command-line option. {@link #toString()} shows key names only, never a key.
 *
 * @param host                the address to listen on ({@code --http-host}, default {@code 127.0.0.1}:
 *                            reachable from this machine only; pass {@code 0.0.0.0} to listen on every
 *                            interface, as the Docker image does)
 * @param port                the TCP port ({@code --http-port}, default 8080; 0 picks a free one)
 * @param apiKeys             who may call the API, and for what ({@code --api-keys name:key,...} and
 *                            {@code --api-keys-file}); at least one
 * @param maxRequestBytes     the largest request body ({@code --max-request-bytes}, default 8 MiB); larger is 413
 * @param maxEventsPerRequest the most events in one request ({@code --max-events-per-request}, default 1000); more is 413
 * @param maxEventBytes       the largest serialized event ({@code --max-event-bytes}, default 1 MiB); larger is refused
 * @param httpThreads         threads answering requests ({@code --http-threads}, default 16); a request holds
 *                            its thread while it waits for Kafka's acks
 * @param publishTimeoutMs    how long a request waits for Kafka before it answers 503 ({@code --publish-timeout-ms},
 *                            default 10 s)
 * @param retryAfterSeconds   the {@code Retry-After} of a 503 ({@code --retry-after-seconds}, default 5)
 * @param idleTimeoutMs       a connection on which no byte moves for this long is closed, between requests too
 *                            ({@code --http-idle-timeout-ms}, default 30 s)
 * @param requestTimeoutMs    a request, head and body, must have arrived in full this long after the connection
 *                            opened or its previous answer was sent, else the connection is cut (a body that is
 *                            late gets 408 first): the bound on a client that sends a byte a second
 *                            ({@code --http-request-timeout-ms}, default 60 s)
 * @param tls                 TLS from PEM files, or null for plain HTTP ({@code --tls-cert-file}, ...)
 * @param rateLimitPerKey     events per second each API key may post, 0 for no limit ({@code --rate-limit-per-key})
 * @param rateLimitBurst      events a key may post at once above its rate ({@code --rate-limit-burst}); 0 takes
 *                            the larger of the rate and {@code --max-events-per-request}
 */
public record IngestSettings(String host, int port, ApiKeys apiKeys, int maxRequestBytes, int maxEventsPerRequest,
        int maxEventBytes, int httpThreads, long publishTimeoutMs, int retryAfterSeconds, long idleTimeoutMs,
        long requestTimeoutMs, TlsSettings tls, int rateLimitPerKey, int rateLimitBurst) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
    public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 1000;
    public static final int DEFAULT_MAX_EVENT_BYTES = PublisherSettings.DEFAULT_MAX_EVENT_BYTES;
    public static final int DEFAULT_HTTP_THREADS = 16;
    public static final long DEFAULT_PUBLISH_TIMEOUT_MS = PublisherSettings.DEFAULT_PUBLISH_TIMEOUT_MS;
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 5;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

    public IngestSettings {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("--http-host must not be empty (127.0.0.1 for this machine only, 0.0.0.0 for every interface)");
        }
        if (port < 0 || port > 65_535) {
            problems.add("--http-port must be 0..65535 (0 picks a free port), was " + port);
        }
        if (apiKeys == null || apiKeys.isEmpty()) {
            problems.add("--api-keys must name at least one key, e.g. --api-keys ci:<long random key> "
                    + "(or AGENTLOG_API_KEYS), or --api-keys-file a file of hashed keys with scopes");
        }
        if (maxRequestBytes < 1) {
            problems.add("--max-request-bytes must be >= 1, was " + maxRequestBytes);
        }
        if (maxRequestBytes == Integer.MAX_VALUE) {
            problems.add("--max-request-bytes must be < " + Integer.MAX_VALUE + ", was " + maxRequestBytes);
        }
        if (maxEventsPerRequest < 1) {
            problems.add("--max-events-per-request must be >= 1, was " + maxEventsPerRequest);
        }
        PublisherSettings.check(maxEventBytes, publishTimeoutMs, problems);
        if (maxEventBytes > maxRequestBytes && maxRequestBytes >= 1) {
            problems.add("--max-event-bytes (" + maxEventBytes + ") must not exceed --max-request-bytes ("
                    + maxRequestBytes + "): such an event could never arrive");
        }
        if (httpThreads < 1 || httpThreads > 1024) {
            problems.add("--http-threads must be 1..1024, was " + httpThreads);
        }
        if (retryAfterSeconds < 1) {
            problems.add("--retry-after-seconds must be >= 1, was " + retryAfterSeconds);
        }
        if (idleTimeoutMs < 100) {
            problems.add("--http-idle-timeout-ms must be >= 100, was " + idleTimeoutMs);
        }
        if (requestTimeoutMs < 100) {
            problems.add("--http-request-timeout-ms must be >= 100, was " + requestTimeoutMs);
        }
        if (rateLimitPerKey < 0) {
            problems.add("--rate-limit-per-key must be >= 0 (0 = no limit), was " + rateLimitPerKey);
        }
        if (rateLimitBurst < 0) {
            problems.add("--rate-limit-burst must be >= 0 (0 = the larger of the rate and --max-events-per-request), was "
                    + rateLimitBurst);
        }
        if (rateLimitPerKey > 0 && rateLimitBurst == 0) {
            rateLimitBurst = Math.max(rateLimitPerKey, maxEventsPerRequest);
        }
        if (rateLimitPerKey > 0 && rateLimitBurst > 0 && rateLimitBurst < maxEventsPerRequest) {
            problems.add("--rate-limit-burst (" + rateLimitBurst + ") must be at least --max-events-per-request ("
                    + maxEventsPerRequest + "): a full request would never pass; raise the burst or lower the request limit");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The settings of the first HTTP API: no TLS, no rate limit, the default time limits. */
    public IngestSettings(String host, int port, ApiKeys apiKeys, int maxRequestBytes, int maxEventsPerRequest,
            int maxEventBytes, int httpThreads, long publishTimeoutMs, int retryAfterSeconds) {
        this(host, port, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes, httpThreads, publishTimeoutMs,
                retryAfterSeconds, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, null, 0, 0);
    }

    /** Every default, with these keys. */
    public static IngestSettings defaults(ApiKeys apiKeys) {
        return new IngestSettings(DEFAULT_HOST, DEFAULT_PORT, apiKeys, DEFAULT_MAX_REQUEST_BYTES,
                DEFAULT_MAX_EVENTS_PER_REQUEST, DEFAULT_MAX_EVENT_BYTES, DEFAULT_HTTP_THREADS,
                DEFAULT_PUBLISH_TIMEOUT_MS, DEFAULT_RETRY_AFTER_SECONDS);
    }

    /** Whether the API speaks HTTPS. */
    public boolean tlsEnabled() {
        return tls != null;
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** What the {@link EventPublisher} behind this server needs: the same event limit and timeout. */
    public PublisherSettings publisherSettings() {
        return new PublisherSettings(maxEventBytes, publishTimeoutMs);
    }

    public IngestSettings withHost(String newHost) {
        return new IngestSettings(newHost, port, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes,
                httpThreads, publishTimeoutMs, retryAfterSeconds, idleTimeoutMs, requestTimeoutMs, tls, rateLimitPerKey,
                rateLimitBurst);
    }

    public IngestSettings withPort(int newPort) {
        return new IngestSettings(host, newPort, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes,
                httpThreads, publishTimeoutMs, retryAfterSeconds, idleTimeoutMs, requestTimeoutMs, tls, rateLimitPerKey,
                rateLimitBurst);
    }

    public IngestSettings withTimeouts(long newIdleTimeoutMs, long newRequestTimeoutMs) {
        return new IngestSettings(host, port, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes,
                httpThreads, publishTimeoutMs, retryAfterSeconds, newIdleTimeoutMs, newRequestTimeoutMs, tls,
                rateLimitPerKey, rateLimitBurst);
    }

    public IngestSettings withTls(TlsSettings newTls) {
        return new IngestSettings(host, port, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes,
                httpThreads, publishTimeoutMs, retryAfterSeconds, idleTimeoutMs, requestTimeoutMs, newTls,
                rateLimitPerKey, rateLimitBurst);
    }

    /** @param burst 0 for the larger of the rate and the request limit */
    public IngestSettings withRateLimit(int perKey, int burst) {
        return new IngestSettings(host, port, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes,
                httpThreads, publishTimeoutMs, retryAfterSeconds, idleTimeoutMs, requestTimeoutMs, tls, perKey, burst);
    }

    /** Safe to log: key names only. */
    @Override
    public String toString() {
        return "IngestSettings[host=" + host + ", port=" + port + ", apiKeys=" + Objects.toString(apiKeys)
                + ", maxRequestBytes=" + maxRequestBytes + ", maxEventsPerRequest=" + maxEventsPerRequest
                + ", maxEventBytes=" + maxEventBytes + ", httpThreads=" + httpThreads
                + ", publishTimeoutMs=" + publishTimeoutMs + ", retryAfterSeconds=" + retryAfterSeconds
                + ", idleTimeoutMs=" + idleTimeoutMs + ", requestTimeoutMs=" + requestTimeoutMs
                + ", tls=" + (tls == null ? "off" : "on" + (tls.clientCaFile() == null ? "" : ", client certificates required"))
                + ", rateLimitPerKey=" + (rateLimitPerKey == 0 ? "off" : rateLimitPerKey + "/s, burst " + rateLimitBurst) + "]";
    }
}
