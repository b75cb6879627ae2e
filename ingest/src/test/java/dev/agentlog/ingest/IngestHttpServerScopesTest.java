package dev.agentlog.ingest;

import static dev.agentlog.ingest.Fixtures.postEvents;
import static dev.agentlog.ingest.Fixtures.request;
import static dev.agentlog.ingest.Fixtures.send;
import static dev.agentlog.ingest.Fixtures.validEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.ingest.Fixtures.Reply;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each route wants its scope: keys from a key file (hashes only) with one scope each, an admin key, and a key
 * given in clear. 401 for no or an unknown key, 403 for a key without the scope; /healthz and /readyz open.
 */
class IngestHttpServerScopesTest {
    static final Map<String, String> KEYS = Map.of(
            "writer", "al_writer-0123456789abcdef",
            "reader", "al_reader-0123456789abcdef",
            "scraper", "al_scraper-0123456789abcdef",
            "ops", "al_ops-0123456789abcdef",
            "tenant-a", "al_tenant-a-0123456789abcdef",
            "clear", "al_clear-0123456789abcdef");
    static IngestHttpServer server;
    static int port;

    @BeforeAll
    static void start() {
        String file = String.join("\n",
                "# name      scopes          key hash",
                "writer   events:write   " + ApiKeys.hash(KEYS.get("writer")),
                "reader   state:read     " + ApiKeys.hash(KEYS.get("reader")),
                "scraper  metrics:read   " + ApiKeys.hash(KEYS.get("scraper")) + "   # Prometheus",
                "ops      admin          " + ApiKeys.hash(KEYS.get("ops")),
                "tenant-a events:write,state:read " + ApiKeys.hash(KEYS.get("tenant-a")) + " tenant=acme");
        ApiKeys keys = ApiKeys.parseKeyFile(file, "keys.txt").and(ApiKeys.parse("clear:" + KEYS.get("clear")));
        IngestSettings settings = new IngestSettings("127.0.0.1", 0, keys, 4096, 3, 1024, 4, 500, 1);
        server = Fixtures.startWithMockKafka(settings);
        server.route("GET", "/v1/agents", Scope.STATE_READ, request -> ApiResponse.ok(EventCodec.JSON.createObjectNode()
                .put("key", request.keyName()).put("tenant", request.key().tenant())));
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int status(String route, String keyName) {
        String key = keyName.equals("none") ? null : keyName.equals("unknown") ? "al_unknown-0123456789" : KEYS.get(keyName);
        HttpRequest request = switch (route) {
            case "events" -> postEvents(port, validEvent("e-" + keyName).toString(), key);
            default -> {
                HttpRequest.Builder builder = request(port, route).GET();
                if (key != null) {
                    builder.header("Authorization", "Bearer " + key);
                }
                yield builder.build();
            }
        };
        Reply reply = send(request);
        if (reply.status() == 403) {
            assertThat(reply.json().get("error").asText()).startsWith("the API key '" + keyName + "' may not do this: "
                    + "it needs the scope ");
            assertThat(reply.header("WWW-Authenticate")).contains("insufficient_scope");
        }
        return reply.status();
    }

    @ParameterizedTest(name = "{0} with {1}: {2}")
    @CsvSource({
        "events,               writer,   202",
        "events,               reader,   403",
        "events,               scraper,  403",
        "events,               ops,      202",
        "events,               tenant-a, 202",
        "events,               clear,    202",
        "events,               none,     401",
        "events,               unknown,  401",
        "/v1/agents/agent-1,   reader,   200",
        "/v1/agents/agent-1,   writer,   403",
        "/v1/agents/agent-1,   scraper,  403",
        "/v1/agents/agent-1,   ops,      200",
        "/v1/agents/agent-1,   clear,    200",
        "/v1/agents/agent-1,   none,     401",
        "/metrics,             scraper,  200",
        "/metrics,             writer,   403",
        "/metrics,             reader,   403",
        "/metrics,             ops,      200",
        "/metrics,             clear,    200",
        "/metrics,             none,     401",
        "/healthz,             none,     200",
        "/readyz,              none,     200",
    })
    void shouldLetAKeyDoWhatItsScopesAllowAndNothingElse(String route, String key, int expected) {
        assertThat(status(route, key)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"tenant-a, acme", "reader, "})
    void shouldHandTheKeysTenantToTheRoute(String keyName, String tenant) {
        Reply reply = send(request(port, "/v1/agents/agent-1").header("Authorization", "Bearer " + KEYS.get(keyName))
                .GET().build());

        assertThat(reply.json().get("key").asText()).isEqualTo(keyName);
        assertThat(reply.json().get("tenant").isNull() ? null : reply.json().get("tenant").asText()).isEqualTo(tenant);
    }
}
