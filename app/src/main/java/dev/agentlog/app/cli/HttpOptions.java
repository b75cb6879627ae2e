package dev.agentlog.app.cli;

import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import picocli.CommandLine.Option;

/** The HTTP ingest API: where it listens, who may post, and the limits of contract section 1. */
public final class HttpOptions {
    @Option(names = "--http-host", defaultValue = IngestSettings.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Address the HTTP API listens on; 0.0.0.0 to accept connections from other machines.")
    public String host;

    @Option(names = "--http-port", defaultValue = "" + IngestSettings.DEFAULT_PORT, paramLabel = "PORT",
            description = "Port of the HTTP API (0 = any free port).")
    public int port;

    @Option(names = "--api-keys", paramLabel = "NAME:KEY,...",
            description = "API keys accepted as `Authorization: Bearer <key>`; the name goes into each event's source (http:<name>). `up` generates one when none is set. Never logged.")
    public String apiKeys;

    @Option(names = "--max-request-bytes", defaultValue = "" + IngestSettings.DEFAULT_MAX_REQUEST_BYTES, paramLabel = "BYTES",
            description = "Largest HTTP request body; larger requests get 413.")
    public int maxRequestBytes;

    @Option(names = "--max-events-per-request", defaultValue = "" + IngestSettings.DEFAULT_MAX_EVENTS_PER_REQUEST, paramLabel = "N",
            description = "Most events in one HTTP request; more get 413.")
    public int maxEventsPerRequest;

    @Option(names = "--max-event-bytes", defaultValue = "" + IngestSettings.DEFAULT_MAX_EVENT_BYTES, paramLabel = "BYTES",
            description = "Largest serialized event; a larger one is refused (413).")
    public int maxEventBytes;

    @Option(names = "--http-threads", defaultValue = "" + IngestSettings.DEFAULT_HTTP_THREADS, paramLabel = "N",
            description = "Threads serving HTTP requests.")
    public int httpThreads;

    @Option(names = "--publish-timeout-ms", defaultValue = "" + IngestSettings.DEFAULT_PUBLISH_TIMEOUT_MS, paramLabel = "MS",
            description = "How long a request waits for Kafka's acknowledgement before answering 503.")
    public long publishTimeoutMs;

    @Option(names = "--retry-after-seconds", defaultValue = "" + IngestSettings.DEFAULT_RETRY_AFTER_SECONDS, paramLabel = "SECONDS",
            description = "Retry-After of a 503 answer.")
    public int retryAfterSeconds;

    public IngestSettings settings(ApiKeys keys) {
        return new IngestSettings(host, port, keys, maxRequestBytes, maxEventsPerRequest, maxEventBytes, httpThreads,
                publishTimeoutMs, retryAfterSeconds);
    }
}
