package dev.agentlog.ingest.internal;

import dev.agentlog.ingest.ApiKey;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.ingest.Scope;
import java.util.Optional;

/** Who the {@code Authorization: Bearer <key>} header names, or the 401 or 403 that refuses the request. */
public record Authorization(ApiKey key, ApiResponse refusal) {
    public static Authorization check(ApiKeys keys, String header, Scope scope) {
        if (header == null || header.isBlank()) {
            return refuse(unauthorized("missing API key: send the header Authorization: Bearer <key>", null));
        }
        String presented = bearerKey(header);
        if (presented == null) {
            return refuse(unauthorized("the Authorization header must be 'Bearer <key>'", "invalid_request"));
        }
        Optional<ApiKey> key = keys.authenticate(presented);
        if (key.isEmpty()) {
            return refuse(unauthorized("unknown API key (not shown here): check the key the server was started with "
                    + "(--api-keys, --api-keys-file)", "invalid_token"));
        }
        if (!key.get().allows(scope)) {
            return refuse(ApiResponse.error(403, "the API key '" + key.get().name() + "' may not do this: it needs the "
                    + "scope " + scope.wire() + " (it has " + key.get().scopesWire() + ")").withHeader("WWW-Authenticate",
                    "Bearer realm=\"agentlog\", error=\"insufficient_scope\", scope=\"" + scope.wire() + "\""));
        }
        return new Authorization(key.get(), null);
    }

    private static Authorization refuse(ApiResponse refusal) {
        return new Authorization(null, refusal);
    }

    private static String bearerKey(String authorization) {
        String value = authorization.trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String key = value.substring(7).trim();
        return key.isEmpty() ? null : key;
    }

    private static ApiResponse unauthorized(String message, String error) {
        return ApiResponse.error(401, message).withHeader("WWW-Authenticate",
                "Bearer realm=\"agentlog\"" + (error == null ? "" : ", error=\"" + error + "\""));
    }
}
