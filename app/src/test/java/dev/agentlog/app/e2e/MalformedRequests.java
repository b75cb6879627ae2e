package dev.agentlog.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.ingest.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Requests a hostile or broken client sends, drawn from a seeded {@link Random} so that a failure can be
 * replayed: broken and deeply nested JSON, wrong types in every field, NUL and lone surrogates in fields, paths
 * and queries, huge values, wrong methods and content types, bad keys. Some draws happen to be valid events
 * (a mutation that changed nothing that matters); the test tells them apart by the server's answer.
 */
final class MalformedRequests {
    /** One request: what it is (for a failure message) and its bytes as sent. */
    record Drawn(String what, byte[] bytes) {}

    private final Random random;
    private final String writerKey;
    private final String readerKey;
    private int ids;

    MalformedRequests(long seed, String writerKey, String readerKey) {
        this.random = new Random(seed);
        this.writerKey = writerKey;
        this.readerKey = readerKey;
    }

    private final List<Supplier<Drawn>> kinds = List.of(
            this::brokenJson, this::deepJson, this::wrongType, this::wrongContentParts, this::nulAndSurrogatesInFields,
            this::badPathOrQuery, this::hugeValue, this::wrongMethod, this::wrongContentType, this::badKey,
            this::mixedBatch, this::garbageRequestLine);

    Drawn next() {
        return kinds.get(random.nextInt(kinds.size())).get();
    }

    /** A valid event of a random type of the agent stream, with a fresh id; no stream_seq (no gaps to wait for). */
    ObjectNode validEvent() {
        String id = "fz-" + (++ids);
        String stream = "agent-fuzz-" + random.nextInt(20);
        String type;
        String payload;
        switch (random.nextInt(4)) {
            case 0 -> {
                type = "message.created";
                payload = "{\"message_id\":\"message-" + id + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"hi " + id + "\"}],\"tool_calls\":[{\"id\":\"call-1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}";
            }
            case 1 -> {
                type = "agent.updated";
                payload = "{\"name\":\"agent " + id + "\",\"metadata\":{\"k\":[1,2,{\"x\":null}]}}";
            }
            case 2 -> {
                type = "block.attached";
                payload = "{\"block_id\":\"block-" + id + "\",\"label\":\"human\"}";
            }
            default -> {
                type = "context.updated";
                payload = "{\"message_ids\":[\"message-" + id + "\"]}";
            }
        }
        return json("{\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"schema_version\":" + (type.equals("message.created") ? 2 : 1)
                + ",\"stream_id\":\"" + stream + "\",\"occurred_at\":\"2026-12-01T10:00:00Z\",\"payload\":" + payload + "}");
    }

    byte[] post(String contentType, String key, byte[] body) {
        String head = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                + (contentType == null ? "" : "\r\nContent-Type: " + contentType)
                + (key == null ? "" : "\r\nAuthorization: Bearer " + key);
        return RawHttp.request(head, body);
    }

    private byte[] postJson(String json) {
        return post("application/json", writerKey, json.getBytes(StandardCharsets.UTF_8));
    }

    private Drawn brokenJson() {
        byte[] text = validEvent().toString().getBytes(StandardCharsets.UTF_8);
        byte[] broken = switch (random.nextInt(3)) {
            case 0 -> java.util.Arrays.copyOf(text, random.nextInt(text.length)); // cut short
            case 1 -> { // one byte replaced by a JSON-breaking or non-UTF-8 byte
                byte[] copy = text.clone();
                byte[] evil = {'{', '}', '[', ']', '"', ',', ':', '\\', 0, (byte) 0xff, (byte) 0xc3, (byte) 0x80, '\n'};
                copy[random.nextInt(copy.length)] = evil[random.nextInt(evil.length)];
                yield copy;
            }
            default -> randomBytes(1 + random.nextInt(200)); // noise
        };
        return new Drawn("broken JSON", post("application/json", writerKey, broken));
    }

    private Drawn deepJson() {
        int depth = 90 + random.nextInt(3000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        if (random.nextBoolean()) {
            return new Drawn("JSON nested " + depth + " deep", postJson(nested));
        }
        ObjectNode event = validEvent();
        String text = event.toString().replace("\"payload\":{", "\"payload\":{\"deep\":" + nested + ",");
        return new Drawn("a payload field nested " + depth + " deep", postJson(text));
    }

    private Drawn wrongType() {
        ObjectNode event = validEvent();
        List<ObjectNode> holders = new ArrayList<>(List.of(event, (ObjectNode) event.get("payload")));
        ObjectNode holder = holders.get(random.nextInt(holders.size()));
        List<String> names = new ArrayList<>();
        holder.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        holder.set(name, randomValue(0));
        return new Drawn(name + " set to a value of a random type", postJson(event.toString()));
    }

    private Drawn wrongContentParts() {
        String[] contents = {"[null]", "[[[]]]", "[{\"type\": 3}]", "[{\"type\":\"text\",\"text\":5}]", "\"plain\"", "{}",
                "[{\"type\":\"image\"}]", "[{\"type\":\"tool_call\",\"input\":[]}]", "[{}]", "[{\"type\":null}]",
                "[{\"type\":\"text\",\"text\":\"ok\"}," + randomValue(0) + "]", "[{\"type\":\"future_part\",\"x\":1}]"};
        ObjectNode event = validEvent();
        event.put("type", "message.created").put("schema_version", 2);
        event.set("payload", json("{\"message_id\":\"m-" + ids + "\",\"role\":\"assistant\",\"content\":"
                + contents[random.nextInt(contents.length)] + "}"));
        return new Drawn("content " + event.get("payload").get("content"), postJson(event.toString()));
    }

    private Drawn nulAndSurrogatesInFields() {
        String[] evil = {"\\u0000", "\\ud800", "\\udfff", "a\\ud83c", "\\udf75b", "\\u0000\\u0000"};
        String bad = evil[random.nextInt(evil.length)];
        String text = validEvent().toString();
        // insert into a random string (a key or a value): after an opening quote
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
                positions.add(i);
            }
        }
        int at = positions.get(random.nextInt(positions.size() / 2) * 2) + 1;
        return new Drawn("'" + bad + "' in a string",
                postJson(text.substring(0, at) + bad + text.substring(at)));
    }

    private Drawn badPathOrQuery() {
        String[] ids = {"%00", "a%00b", "%FF", "%ED%A0%80", "%C3", "%", "%G0", "%2F", "..", "%2E%2E", "a%0Ab", "a%09",
                "caf%C3%A9", "x".repeat(300), "%E2%80%AE", "a;b", "agent-1", ""};
        String[] queries = {"", "?at=%00", "?at=yesterday", "?at=2026-01-01T00:00:00+01:00", "?passages=-1",
                "?passages=99999999999", "?limit=%FF", "?after_seq=1e9", "?limit=0", "?a=%", "?&&&=", "?at=%ED%B0%80"};
        String[] prefixes = {"/v1/agents/", "/v1/blocks/", "/v1/agents/agent-1/", "/v1/events/", "/metrics/", "/"};
        String id = ids[random.nextInt(ids.length)];
        String suffix = random.nextBoolean() ? "" : "/history";
        String target = prefixes[random.nextInt(prefixes.length)] + id + suffix + queries[random.nextInt(queries.length)];
        String key = random.nextInt(4) == 0 ? writerKey : readerKey;
        byte[] request = RawHttp.request("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                + "\r\nAuthorization: Bearer " + key, new byte[0]);
        return new Drawn("GET " + target, request);
    }

    private Drawn hugeValue() {
        ObjectNode event = validEvent();
        ObjectNode payload = (ObjectNode) event.get("payload");
        String what;
        switch (random.nextInt(5)) {
            case 0 -> {
                payload.put("huge", "x".repeat(70_000 + random.nextInt(300_000)));
                what = "a string over the event or request limit";
            }
            case 1 -> {
                what = "a number of 2000 digits";
                return new Drawn(what, postJson(event.toString().replace("\"payload\":{", "\"payload\":{\"n\":" + "7".repeat(2000) + ",")));
            }
            case 2 -> {
                what = "a number beyond PostgreSQL's numeric";
                return new Drawn(what, postJson(event.toString().replace("\"payload\":{", "\"payload\":{\"n\":1e" + (200_000 + random.nextInt(1_000_000)) + ",")));
            }
            case 3 -> {
                ArrayNode big = payload.putArray("big");
                for (int i = 0; i < 20_000 + random.nextInt(40_000); i++) {
                    big.add(i);
                }
                what = "an array of tens of thousands of numbers";
            }
            default -> {
                what = "a declared length over the request limit";
                return new Drawn(what, RawHttp.request("POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "Content-Type: application/json\r\nAuthorization: Bearer " + writerKey + "\r\nContent-Length: "
                        + (1L << 40), new byte[0]));
            }
        }
        return new Drawn(what, postJson(event.toString()));
    }

    private Drawn wrongMethod() {
        String[] methods = {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW", "get", "G" + "E".repeat(100) + "T", "POST"};
        String[] paths = {"/v1/events", "/healthz", "/readyz", "/metrics", "/v1/agents/agent-1", "/v1/blocks/b/history"};
        String method = methods[random.nextInt(methods.length)];
        String path = paths[random.nextInt(paths.length)];
        if (method.equals("POST") && path.equals("/v1/events")) {
            path = "/v1/agents/agent-1";
        }
        return new Drawn(method + " " + path, RawHttp.request(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close"
                + "\r\nAuthorization: Bearer " + writerKey + "\r\nContent-Type: application/json",
                validEvent().toString().getBytes(StandardCharsets.UTF_8)));
    }

    private Drawn wrongContentType() {
        String[] types = {"text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "]]]", "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "", "application/ld+json",
                "text/json", "application/jsonx"};
        String type = types[random.nextInt(types.length)];
        byte[] body = validEvent().toString().getBytes(type.contains("utf-16") && random.nextBoolean()
                ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8);
        return new Drawn("Content-Type '" + type + "'", post(type, writerKey, body));
    }

    private Drawn badKey() {
        String[] headers = {null, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer wrong-key", "Bearer " + readerKey,
                "bearer " + "k".repeat(6000), "Bearer " + writerKey + "x", "Token " + writerKey, "Bearer a\u0001b",
                "Bearer \u00e9\u00e8", "Bearer " + writerKey + "\u0000"};
        String header = headers[random.nextInt(headers.length)];
        String head = "POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json"
                + (header == null ? "" : "\r\nAuthorization: " + header);
        return new Drawn("Authorization '" + (header == null ? "(none)" : header.length() > 40 ? header.substring(0, 40) + "..." : header)
                + "'", RawHttp.request(head, validEvent().toString().getBytes(StandardCharsets.UTF_8)));
    }

    private Drawn mixedBatch() {
        ArrayNode batch = EventCodec.JSON.createArrayNode();
        int size = 1 + random.nextInt(60); // the limit is 50: some batches are too large
        for (int i = 0; i < size; i++) {
            ObjectNode event = validEvent();
            if (random.nextInt(3) == 0) {
                ((ObjectNode) event.get("payload")).set(random.nextBoolean() ? "content" : "message_id", randomValue(0));
            }
            batch.add(random.nextInt(10) == 0 ? randomValue(0) : event);
        }
        return new Drawn("a batch of " + size + ", some broken", postJson(batch.toString()));
    }

    private Drawn garbageRequestLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] start = switch (random.nextInt(5)) {
            case 0 -> randomBytes(1 + random.nextInt(100));
            case 1 -> "GET / HTTP/9.9\r\n".getBytes(StandardCharsets.US_ASCII);
            case 2 -> ("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + new String[] {"gzip", "chunked, gzip",
                    "bogus", "chunked"}[random.nextInt(4)] + "\r\n\r\nzz\r\n").getBytes(StandardCharsets.US_ASCII);
            case 3 -> ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            default -> ("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nAuthorization: Bearer " + writerKey
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        };
        out.writeBytes(start);
        out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return new Drawn("a garbled request", out.toByteArray());
    }

    private JsonNode randomValue(int depth) {
        return switch (random.nextInt(depth > 3 ? 6 : 9)) {
            case 0 -> EventCodec.JSON.nullNode();
            case 1 -> EventCodec.JSON.getNodeFactory().numberNode(random.nextLong());
            case 2 -> EventCodec.JSON.getNodeFactory().booleanNode(random.nextBoolean());
            case 3 -> EventCodec.JSON.getNodeFactory().textNode(randomText());
            case 4 -> EventCodec.JSON.getNodeFactory().numberNode(new java.math.BigDecimal(random.nextGaussian()));
            case 5 -> EventCodec.JSON.getNodeFactory().textNode("");
            case 6 -> {
                ArrayNode array = EventCodec.JSON.createArrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = EventCodec.JSON.createObjectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(random.nextBoolean() ? "type" : randomText(), randomValue(depth + 1));
                }
                yield object;
            }
        };
    }

    private String randomText() {
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            out.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : random.nextInt(0x3000)));
        }
        return out.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) EventCodec.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(text, e);
        }
    }
}
