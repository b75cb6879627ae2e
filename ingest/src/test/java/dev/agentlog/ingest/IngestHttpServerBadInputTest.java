package dev.agentlog.ingest;

import static dev.agentlog.ingest.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.ingest.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that cannot be served, sent byte for byte: each gets a 4xx whose JSON {@code error} says what is
 * wrong, never a 5xx (issue 19: {@code GET /v1/agents/%00} answered 500). The app module sends thousands of
 * such requests at random against a real broker.
 */
class IngestHttpServerBadInputTest {
    static IngestHttpServer server;
    static int port;

    @BeforeAll
    static void start() {
        server = Fixtures.startWithMockKafka(Fixtures.smallSettings());
        server.route("GET", "/v1/agents", Scope.STATE_READ, request -> ApiResponse.ok(EventCodec.JSON.createObjectNode()
                .put("agent", request.pathAfter("/v1/agents/"))));
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String AUTH = "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY;

    private static byte[] get(String target) {
        return RawHttp.request("GET " + target + " HTTP/1.1" + AUTH, new byte[0]);
    }

    private static byte[] post(String extraHeaders, byte[] body) {
        return RawHttp.request("POST /v1/events HTTP/1.1" + AUTH + extraHeaders, body);
    }

    private static byte[] postJson(String json) {
        return post("\r\nContent-Type: application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String payload) {
        return "{\"event_id\":\"e-1\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\"agent-1\","
                + "\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":" + payload + "}";
    }

    private static byte[] withByte(byte[] request, String marker, int value) {
        String text = new String(request, StandardCharsets.ISO_8859_1).replace(marker, String.valueOf((char) value));
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Stream<Arguments> badRequests() {
        String message = "{\"message_id\":\"m-1\",\"role\":\"user\",\"content\":%s}";
        return Stream.of(
                Arguments.of("NUL in the path", get("/v1/agents/%00"), 400,
                        "the request cannot be served: Illegal character in path"),
                Arguments.of("a tab in the path", get("/v1/agents/a%09b"), 400,
                        "the path must not contain control characters, found U+0009 at character 12"),
                Arguments.of("a newline in the path", get("/v1/agents/a%0Ab"), 400, "must not contain control characters"),
                Arguments.of("invalid UTF-8 in the path", get("/v1/agents/%FF"), 400,
                        "the path is not valid UTF-8 once its percent escapes are decoded"),
                Arguments.of("a lone surrogate in the path (CESU-8)", get("/v1/agents/%ED%A0%80"), 400, "not valid UTF-8"),
                Arguments.of("NUL in the query", get("/v1/agents/agent-1?at=%00"), 400,
                        "the query parameter 'at' must not contain control characters"),
                Arguments.of("a broken escape in the query", get("/v1/agents/agent-1?at=%G1"), 400,
                        "has a '%' not followed by two hex digits"),
                Arguments.of("a raw NUL byte in the request line", withByte(get("/v1/agents/a#b"), "#", 0), 400, ""),
                Arguments.of("a raw 0xFF byte in the request line", withByte(get("/v1/agents/a#b"), "#", 0xff), 400,
                        "the path must be ASCII without control characters, found U+FFFD at character 12"),
                Arguments.of("NUL in a field", postJson(event(message.formatted("[{\"type\":\"text\",\"text\":\"a\\u0000\"}]"))),
                        400, "payload.content[0].text: must not contain U+0000 (NUL)"),
                Arguments.of("a lone surrogate in a field", postJson(event(message.formatted("[{\"type\":\"text\",\"text\":\"\\udfff\"}]"))),
                        400, "payload.content[0].text: must be valid Unicode: a lone surrogate U+DFFF"),
                Arguments.of("invalid UTF-8 in the body", withByte(postJson(event(message.formatted("[{\"type\":\"text\",\"text\":\"#\"}]"))), "#", 0xc3),
                        400, "$: is not valid JSON: Invalid UTF-8"),
                Arguments.of("JSON nested 2000 deep", postJson("[".repeat(2000) + "]".repeat(2000)), 400,
                        "$: nests arrays and objects more than 100 levels deep"),
                Arguments.of("content [null]", postJson(event(message.formatted("[null]"))), 400, "payload.content[0]: must be an object"),
                Arguments.of("content [[[]]]", postJson(event(message.formatted("[[[]]]"))), 400, "payload.content[0]: must be an object"),
                Arguments.of("a number type", postJson(event(message.formatted("[{\"type\":3}]"))), 400,
                        "payload.content[0].type: must be a string"),
                Arguments.of("a number text", postJson(event(message.formatted("[{\"type\":\"text\",\"text\":5}]"))), 400,
                        "payload.content[0].text: must be a string"),
                Arguments.of("a huge number", postJson(event("{\"message_id\":\"m-1\",\"role\":\"user\",\"x\":1e999999999}")), 400,
                        "payload.x: is a number out of range"),
                Arguments.of("a number of 5000 digits", postJson(event("{\"message_id\":\"m-1\",\"role\":\"user\",\"x\":" + "9".repeat(3000) + "}")), 400,
                        "$: holds a value larger than the parser allows"),
                Arguments.of("PUT on /v1/events", RawHttp.request("PUT /v1/events HTTP/1.1" + AUTH, "{}".getBytes()), 405,
                        "PUT is not allowed on /v1/events; use POST"),
                Arguments.of("an invented method", RawHttp.request("BREW /v1/events HTTP/1.1" + AUTH, new byte[0]), 405,
                        "BREW is not allowed on /v1/events"),
                Arguments.of("text/plain", post("\r\nContent-Type: text/plain", "{}".getBytes()), 415,
                        "Content-Type must be application/json"),
                Arguments.of("a Content-Length that is no number", RawHttp.request("POST /v1/events HTTP/1.1" + AUTH
                        + "\r\nContent-Length: abc\r\nContent-Type: application/json", new byte[0]), 400, ""),
                Arguments.of("an unknown transfer coding", RawHttp.request("POST /v1/events HTTP/1.1" + AUTH
                        + "\r\nTransfer-Encoding: gzip\r\nContent-Type: application/json", new byte[0]), 400, ""),
                Arguments.of("an unknown HTTP version", RawHttp.request("GET /healthz HTTP/7.1\r\nHost: x", new byte[0]), 400, ""),
                Arguments.of("a header of 64 KiB", RawHttp.request("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + "a".repeat(65_536), new byte[0]), 431, ""),
                Arguments.of("a URI of 64 KiB", get("/v1/agents/" + "a".repeat(65_536)), 414, ""),
                Arguments.of("a key of 4 KiB", RawHttp.request("GET /v1/agents/a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + "k".repeat(4096), new byte[0]), 401, "unknown API key"),
                Arguments.of("NUL in the key", withByte(RawHttp.request("GET /v1/agents/a HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer a#b", new byte[0]), "#", 0), 400, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void shouldRefuseWithA4xxThatSaysWhatIsWrong(String what, byte[] request, int status, String error) throws IOException {
        RawHttp.Response answer;
        try (RawHttp client = RawHttp.connect(port)) {
            answer = client.send(request).read();
        }

        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode body = EventCodec.JSON.readTree(answer.body());
        assertThat(body.get("error").asText()).isNotBlank().contains(error);
    }
}
