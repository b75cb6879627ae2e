package dev.agentlog.ingest;

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
 * @param apiKeys             who may post events ({@code --api-keys name:key,...}); at least one
 * @param maxRequestBytes     the largest request body ({@code --max-request-bytes}, default 8 MiB); larger is 413
 * @param maxEventsPerRequest the most events in one request ({@code --max-events-per-request}, default 1000); more is 413
 * @param maxEventBytes       the largest serialized event ({@code --max-event-bytes}, default 1 MiB); larger is refused
 * @param httpThreads         threads answering requests ({@code --http-threads}, default 16); a request holds
 *                            its thread while it waits for Kafka's acks
 * @param publishTimeoutMs    how long a request waits for Kafka before it answers 503 ({@code --publish-timeout-ms},
 *                            default 10 s)
 * @param retryAfterSeconds   the {@code Retry-After} of a 503 ({@code --retry-after-seconds}, default 5)
 */
public record IngestSettings(String host, int port, ApiKeys apiKeys, int maxRequestBytes, int maxEventsPerRequest,
        int maxEventBytes, int httpThreads, long publishTimeoutMs, int retryAfterSeconds) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
    public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 1000;
    public static final int DEFAULT_MAX_EVENT_BYTES = PublisherSettings.DEFAULT_MAX_EVENT_BYTES;
    public static final int DEFAULT_HTTP_THREADS = 16;
    public static final long DEFAULT_PUBLISH_TIMEOUT_MS = PublisherSettings.DEFAULT_PUBLISH_TIMEOUT_MS;
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 5;

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
                    + "(or AGENTLOG_API_KEYS)");
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
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Every default, with these keys. */
    public static IngestSettings defaults(ApiKeys apiKeys) {
        return new IngestSettings(DEFAULT_HOST, DEFAULT_PORT, apiKeys, DEFAULT_MAX_REQUEST_BYTES,
                DEFAULT_MAX_EVENTS_PER_REQUEST, DEFAULT_MAX_EVENT_BYTES, DEFAULT_HTTP_THREADS,
                DEFAULT_PUBLISH_TIMEOUT_MS, DEFAULT_RETRY_AFTER_SECONDS);
    }

    /** What the {@link EventPublisher} behind this server needs: the same event limit and timeout. */
    public PublisherSettings publisherSettings() {
        return new PublisherSettings(maxEventBytes, publishTimeoutMs);
    }

    public IngestSettings withHost(String newHost) {
        return new IngestSettings(newHost, port, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes,
                httpThreads, publishTimeoutMs, retryAfterSeconds);
    }

    public IngestSettings withPort(int newPort) {
        return new IngestSettings(host, newPort, apiKeys, maxRequestBytes, maxEventsPerRequest, maxEventBytes,
                httpThreads, publishTimeoutMs, retryAfterSeconds);
    }

    /** Safe to log: key names only. */
    @Override
    public String toString() {
        return "IngestSettings[host=" + host + ", port=" + port + ", apiKeys=" + Objects.toString(apiKeys)
                + ", maxRequestBytes=" + maxRequestBytes + ", maxEventsPerRequest=" + maxEventsPerRequest
                + ", maxEventBytes=" + maxEventBytes + ", httpThreads=" + httpThreads
                + ", publishTimeoutMs=" + publishTimeoutMs + ", retryAfterSeconds=" + retryAfterSeconds + "]";
    }
}
