package dev.agentlog.ingest;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as a {@link RouteHandler} sees it.
 *
 * @param method  {@code GET}, {@code POST}, ...
 * @param path    the decoded path, e.g. {@code /v1/agents/agent-1/history}
 * @param query   the decoded query parameters, each with every value in order
 * @param headers the request headers; names compare case-insensitively
 * @param body    the body, at most {@code --max-request-bytes}; empty when there is none
 * @param key     the API key that authenticated the request (its name, scopes and tenant); {@code null} on a
 *                public route
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
        byte[] body, ApiKey key) {
    public ApiRequest {
        query = Collections.unmodifiableMap(query);
        TreeMap<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseInsensitive.putAll(headers);
        headers = Collections.unmodifiableMap(caseInsensitive);
        body = body == null ? new byte[0] : body;
    }

    /** The name of the API key that authenticated the request; {@code null} on a public route. */
    public String keyName() {
        return key == null ? null : key.name();
    }

    /** The first value of a query parameter. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** The path after a prefix: {@code pathAfter("/v1/agents/")} of {@code /v1/agents/a-1/history} is {@code a-1/history}. */
    public String pathAfter(String prefix) {
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }
}
