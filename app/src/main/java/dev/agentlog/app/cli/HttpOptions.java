package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.ingest.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The HTTP API: where it listens, TLS, who may call it and for what, and its limits (contract section 1). */
public final class HttpOptions extends SettingGroup {
    public static final Setting<String> HTTP_HOST = Setting.text("http-host").defaultsTo(IngestSettings.DEFAULT_HOST)
            .label("ADDRESS").check(Check.notBlank())
            .doc("Address the HTTP API listens on; 0.0.0.0 to accept connections from other machines.");
    public static final Setting<Integer> HTTP_PORT = Setting.port("http-port").defaultsTo(IngestSettings.DEFAULT_PORT)
            .doc("Port of the HTTP API (0 = any free port).");
    /** Not a {@link Setting#secret}: its file form is {@link #API_KEYS_FILE}, which holds hashes, not keys in clear. */
    public static final Setting<String> API_KEYS = Setting.text("api-keys").label("NAME:KEY,...").shownAs(keys -> "****")
            .doc("API keys in clear, accepted as `Authorization: Bearer <key>`, each with every scope but admin; the name goes into each event's source (http:<name>). `up` generates one when no key is set. Never logged.");
    public static final Setting<Path> API_KEYS_FILE = Setting.path("api-keys-file").label("FILE")
            .doc("File of API keys as hashes with their scopes and tenant, one per line: `name scope,scope sha256:<hex> [tenant=<id>]` (`agentlog api-key` prints one); a Docker secret works as is. Scopes: events:write, state:read, metrics:read, admin.");
    public static final Setting<Integer> MAX_REQUEST_BYTES = Setting.bytes("max-request-bytes")
            .defaultsTo(IngestSettings.DEFAULT_MAX_REQUEST_BYTES).check(Check.atLeast(1))
            .doc("Largest HTTP request body; larger requests get 413.");
    public static final Setting<Integer> MAX_EVENTS_PER_REQUEST = Setting.count("max-events-per-request")
            .defaultsTo(IngestSettings.DEFAULT_MAX_EVENTS_PER_REQUEST).check(Check.atLeast(1))
            .doc("Most events in one HTTP request; more get 413.");
    /** Shared by ingest and cdc: one limit of the contract (section 1). */
    public static final Setting<Integer> MAX_EVENT_BYTES = Setting.bytes("max-event-bytes")
            .defaultsTo(IngestSettings.DEFAULT_MAX_EVENT_BYTES).check(Check.atLeast(1))
            .doc("Largest serialized event; a larger one is refused (413), or, from cdc, skipped, logged and counted (agentlog.cdc.too.large).");
    public static final Setting<Integer> HTTP_THREADS = Setting.count("http-threads")
            .defaultsTo(IngestSettings.DEFAULT_HTTP_THREADS).check(Check.atLeast(1))
            .doc("Threads serving HTTP requests.");
    public static final Setting<Long> PUBLISH_TIMEOUT_MS = Setting.millis("publish-timeout-ms")
            .defaultsTo(IngestSettings.DEFAULT_PUBLISH_TIMEOUT_MS).check(Check.atLeast(1))
            .doc("How long a request waits for Kafka's acknowledgement before answering 503.");
    public static final Setting<Integer> RETRY_AFTER_SECONDS = Setting.seconds("retry-after-seconds")
            .defaultsTo(IngestSettings.DEFAULT_RETRY_AFTER_SECONDS).check(Check.atLeast(1))
            .doc("Retry-After of a 503 answer.");
    public static final Setting<Long> HTTP_IDLE_TIMEOUT_MS = Setting.millis("http-idle-timeout-ms")
            .defaultsTo(IngestSettings.DEFAULT_IDLE_TIMEOUT_MS).check(Check.atLeast(1))
            .doc("A connection on which no byte moves for this long is closed, also between the requests of a kept-alive connection.");
    public static final Setting<Long> HTTP_REQUEST_TIMEOUT_MS = Setting.millis("http-request-timeout-ms")
            .defaultsTo(IngestSettings.DEFAULT_REQUEST_TIMEOUT_MS).check(Check.atLeast(1))
            .doc("A request, head and body, must arrive in full within this time of the connection opening or of the previous answer; a late head gets the connection closed, a late body 408. Bounds a client that sends a byte a second.");
    public static final Setting<Path> TLS_CERT_FILE = Setting.path("tls-cert-file").label("FILE")
            .doc("PEM certificate chain of the HTTP API (the server's certificate first): with --tls-key-file, the API speaks HTTPS only.");
    public static final Setting<Path> TLS_KEY_FILE = Setting.path("tls-key-file").label("FILE")
            .doc("PEM private key of --tls-cert-file, unencrypted: PKCS#8, PKCS#1 RSA or SEC1 EC. Keep it readable by agentlog's user only.");
    public static final Setting<Path> TLS_CLIENT_CA_FILE = Setting.path("tls-client-ca-file").label("FILE")
            .doc("PEM CA certificates: when set, every client must present a certificate signed by one of them (mutual TLS), besides its API key.");
    public static final Setting<Integer> RATE_LIMIT_PER_KEY = Setting.count("rate-limit-per-key").defaultsTo(0)
            .label("EVENTS").check(Check.atLeast(0))
            .doc("Events per second each API key may post (0 = no limit); a key over it gets 429 with Retry-After.");
    public static final Setting<Integer> RATE_LIMIT_BURST = Setting.count("rate-limit-burst").defaultsTo(0)
            .label("EVENTS").check(Check.atLeast(0))
            .doc("Events a key may post at once above its rate (0 = the larger of --rate-limit-per-key and --max-events-per-request).");

    public HttpOptions() {
        super(HTTP_HOST, HTTP_PORT, API_KEYS, API_KEYS_FILE, MAX_REQUEST_BYTES, MAX_EVENTS_PER_REQUEST, MAX_EVENT_BYTES,
                HTTP_THREADS, PUBLISH_TIMEOUT_MS, RETRY_AFTER_SECONDS, HTTP_IDLE_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS,
                TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE, RATE_LIMIT_PER_KEY, RATE_LIMIT_BURST);
    }

    /** Rules that span settings: TLS files go together; keys and limits as {@link IngestSettings} checks them. */
    @Override
    protected void check(List<String> problems) {
        if ((get(TLS_CERT_FILE) == null) != (get(TLS_KEY_FILE) == null)
                || get(TLS_CLIENT_CA_FILE) != null && get(TLS_CERT_FILE) == null) {
            problems.add(TLS_CERT_FILE.option() + " and " + TLS_KEY_FILE.option() + " go together: give both for HTTPS"
                    + (get(TLS_CLIENT_CA_FILE) != null ? " (" + TLS_CLIENT_CA_FILE.option() + " needs them)" : ""));
            return;
        }
        try {
            // Without keys only the other values are checked here: `up` generates a key, `ingest` requires one itself.
            settings(hasKeys() ? keys() : ApiKeys.of(Map.of("check", "a key that only lets the other values be checked")));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    /**
     * The keys of {@code --api-keys} and {@code --api-keys-file}, or empty when neither is set.
     *
     * @throws IllegalArgumentException naming the option of a bad key or file
     */
    public ApiKeys keys() {
        ApiKeys clear = ApiKeys.parse(get(API_KEYS));
        Path file = get(API_KEYS_FILE);
        return file == null ? clear : clear.and(ApiKeys.loadKeyFile(file));
    }

    /** Whether any key is configured; `up` generates one otherwise. */
    public boolean hasKeys() {
        String clear = get(API_KEYS);
        return clear != null && !clear.isBlank() || get(API_KEYS_FILE) != null;
    }

    public String host() {
        return get(HTTP_HOST);
    }

    /**
     * Every HTTP setting, TLS files read and checked, so that a bad one stops start-up with its option's name.
     *
     * @throws IllegalArgumentException naming the option
     */
    public IngestSettings settings(ApiKeys keys) {
        TlsSettings tls = null;
        if (get(TLS_CERT_FILE) != null && get(TLS_KEY_FILE) != null) {
            tls = new TlsSettings(get(TLS_CERT_FILE), get(TLS_KEY_FILE), get(TLS_CLIENT_CA_FILE));
            tls.verify();
        }
        return new IngestSettings(get(HTTP_HOST), get(HTTP_PORT), keys, get(MAX_REQUEST_BYTES),
                get(MAX_EVENTS_PER_REQUEST), get(MAX_EVENT_BYTES), get(HTTP_THREADS), get(PUBLISH_TIMEOUT_MS),
                get(RETRY_AFTER_SECONDS), get(HTTP_IDLE_TIMEOUT_MS), get(HTTP_REQUEST_TIMEOUT_MS), tls,
                get(RATE_LIMIT_PER_KEY), get(RATE_LIMIT_BURST));
    }
}
