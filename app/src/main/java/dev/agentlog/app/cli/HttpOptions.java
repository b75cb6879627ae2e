package dev.agentlog.app.cli;

import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.ingest.TlsSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The HTTP API: where it listens, TLS, who may call it and for what, and its limits (contract section 1). */
public final class HttpOptions {
    @Option(names = "--http-host", defaultValue = IngestSettings.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Address the HTTP API listens on; 0.0.0.0 to accept connections from other machines.")
    public String host;

    @Option(names = "--http-port", defaultValue = "" + IngestSettings.DEFAULT_PORT, paramLabel = "PORT",
            description = "Port of the HTTP API (0 = any free port).")
    public int port;

    @Option(names = "--api-keys", paramLabel = "NAME:KEY,...",
            description = "API keys in clear, accepted as `Authorization: Bearer <key>`, each with every scope but admin; the name goes into each event's source (http:<name>). `up` generates one when no key is set. Never logged.")
    public String apiKeys;

    @Option(names = "--api-keys-file", paramLabel = "FILE",
            description = "File of API keys as hashes with their scopes and tenant, one per line: `name scope,scope sha256:<hex> [tenant=<id>]` (`agentlog api-key` prints one); a Docker secret works as is. Scopes: events:write, state:read, metrics:read, admin.")
    public Path apiKeysFile;

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

    @Option(names = "--http-idle-timeout-ms", defaultValue = "" + IngestSettings.DEFAULT_IDLE_TIMEOUT_MS, paramLabel = "MS",
            description = "A connection on which no byte moves for this long is closed, also between the requests of a kept-alive connection.")
    public long idleTimeoutMs;

    @Option(names = "--http-request-timeout-ms", defaultValue = "" + IngestSettings.DEFAULT_REQUEST_TIMEOUT_MS, paramLabel = "MS",
            description = "A request, head and body, must arrive in full within this time of the connection opening or of the previous answer; a late head gets the connection closed, a late body 408. Bounds a client that sends a byte a second.")
    public long requestTimeoutMs;

    @Option(names = "--tls-cert-file", paramLabel = "FILE",
            description = "PEM certificate chain of the HTTP API (the server's certificate first): with --tls-key-file, the API speaks HTTPS only.")
    public Path tlsCertFile;

    @Option(names = "--tls-key-file", paramLabel = "FILE",
            description = "PEM private key of --tls-cert-file, unencrypted: PKCS#8, PKCS#1 RSA or SEC1 EC. Keep it readable by agentlog's user only.")
    public Path tlsKeyFile;

    @Option(names = "--tls-client-ca-file", paramLabel = "FILE",
            description = "PEM CA certificates: when set, every client must present a certificate signed by one of them (mutual TLS), besides its API key.")
    public Path tlsClientCaFile;

    @Option(names = "--rate-limit-per-key", defaultValue = "0", paramLabel = "EVENTS",
            description = "Events per second each API key may post (0 = no limit); a key over it gets 429 with Retry-After.")
    public int rateLimitPerKey;

    @Option(names = "--rate-limit-burst", defaultValue = "0", paramLabel = "EVENTS",
            description = "Events a key may post at once above its rate (0 = the larger of --rate-limit-per-key and --max-events-per-request).")
    public int rateLimitBurst;

    /**
     * The keys of {@code --api-keys} and {@code --api-keys-file}, or empty when neither is set.
     *
     * @throws IllegalArgumentException naming the option of a bad key or file
     */
    public ApiKeys keys() {
        ApiKeys clear = ApiKeys.parse(apiKeys);
        return apiKeysFile == null ? clear : clear.and(ApiKeys.loadKeyFile(apiKeysFile));
    }

    /** Whether any key is configured; `up` generates one otherwise. */
    public boolean hasKeys() {
        return apiKeys != null && !apiKeys.isBlank() || apiKeysFile != null;
    }

    /**
     * Every HTTP setting, TLS files read and checked, so that a bad one stops start-up with its option's name.
     *
     * @throws IllegalArgumentException naming the option
     */
    public IngestSettings settings(ApiKeys keys) {
        TlsSettings tls = null;
        if (tlsCertFile != null || tlsKeyFile != null || tlsClientCaFile != null) {
            if (tlsCertFile == null || tlsKeyFile == null) {
                throw new IllegalArgumentException("--tls-cert-file and --tls-key-file go together: give both for HTTPS"
                        + (tlsClientCaFile != null ? " (--tls-client-ca-file needs them)" : ""));
            }
            tls = new TlsSettings(tlsCertFile, tlsKeyFile, tlsClientCaFile);
            tls.verify();
        }
        return new IngestSettings(host, port, keys, maxRequestBytes, maxEventsPerRequest, maxEventBytes, httpThreads,
                publishTimeoutMs, retryAfterSeconds, idleTimeoutMs, requestTimeoutMs, tls, rateLimitPerKey, rateLimitBurst);
    }
}
