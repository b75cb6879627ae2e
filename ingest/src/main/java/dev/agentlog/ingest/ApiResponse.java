package dev.agentlog.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Violation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RouteHandler} answers: a status, a JSON body ({@code application/json; charset=utf-8}) and
 * any extra headers. Errors have one shape everywhere: {@code {"error": "<what is wrong and what to do>",
 * "errors": [{"field": ..., "rule": ...}]}} (the list only when fields are to blame).
 *
 * <p>A route that serves a file (the web UI's HTML, CSS and scripts) answers {@link #file}: then {@code content}
 * holds the bytes and {@code contentType} their type, and {@code body} is an empty object that is not sent.
 */
public record ApiResponse(int status, JsonNode body, Map<String, String> headers, byte[] content, String contentType) {
    public ApiResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100..599, was " + status);
        }
        Objects.requireNonNull(body, "body");
        if ((content == null) != (contentType == null)) {
            throw new IllegalArgumentException("a file answer needs both its bytes and its content type");
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** A JSON answer. */
    public ApiResponse(int status, JsonNode body, Map<String, String> headers) {
        this(status, body, headers, null, null);
    }

    /** A file's bytes as they are, of {@code contentType} (e.g. {@code text/css; charset=utf-8}). */
    public static ApiResponse file(int status, String contentType, byte[] content) {
        return new ApiResponse(status, EventCodec.JSON.createObjectNode(), Map.of(), Objects.requireNonNull(content),
                Objects.requireNonNull(contentType));
    }

    /** Whether this answer is a file's bytes rather than JSON. */
    public boolean isFile() {
        return content != null;
    }

    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(status, body, Map.of());
    }

    public static ApiResponse ok(JsonNode body) {
        return json(200, body);
    }

    /** {@code {"error": message}}. */
    public static ApiResponse error(int status, String message) {
        ObjectNode body = EventCodec.JSON.createObjectNode();
        body.put("error", message);
        return json(status, body);
    }

    /** {@code {"error": message, "errors": [{"field", "code", "rule"}, ...]}}. */
    public static ApiResponse error(int status, String message, List<Violation> violations) {
        ObjectNode body = EventCodec.JSON.createObjectNode();
        body.put("error", message);
        var errors = body.putArray("errors");
        for (Violation v : violations) {
            addError(errors, v);
        }
        return json(status, body);
    }

    /** One violation as an element of an {@code errors} array: its field, its rule code and its rule in words. */
    public static void addError(ArrayNode errors, Violation v) {
        errors.addObject().put("field", v.field()).put("code", v.code().wireName()).put("rule", v.rule());
    }

    /** A copy with one more header. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, body, more, content, contentType);
    }
}
