package dev.agentlog.app.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.ingest.ApiRequest;
import dev.agentlog.ingest.ApiResponse;
import dev.agentlog.ingest.IngestHttpServer;
import dev.agentlog.ingest.Scope;
import dev.agentlog.sink.erasure.ErasurePlan;
import java.util.List;

/**
 * {@code POST /v1/erase} (scope {@code admin}): {@code {"agent_id": "..."}} erases an agent with its own blocks and
 * archives, {@code {"subject": "..."}} a Letta identity's or user's agents (or one block or archive); answers 200 with
 * the receipt (docs/privacy.md). The key's name is recorded as who asked.
 */
public final class EraseRoute {
    public static final String PATH = "/v1/erase";

    private final Eraser eraser;

    private EraseRoute(Eraser eraser) {
        this.eraser = eraser;
    }

    public static void register(IngestHttpServer server, Eraser eraser) {
        server.route("POST", PATH, Scope.ADMIN, new EraseRoute(eraser)::erase);
    }

    private ApiResponse erase(ApiRequest request) throws Exception {
        if (!request.path().equals(PATH)) {
            return ApiResponse.error(404, "no route for POST " + request.path() + ": use " + PATH);
        }
        JsonNode body;
        try {
            body = EventCodec.parse(request.body());
        } catch (InvalidEventException e) {
            return ApiResponse.error(400, "the body must be {\"agent_id\": \"...\"} or {\"subject\": \"...\"}: "
                    + e.getMessage());
        }
        String agent = text(body, "agent_id");
        String subject = text(body, "subject");
        if ((agent == null) == (subject == null) || body.size() != 1) {
            return ApiResponse.error(400, "the body must be exactly one of {\"agent_id\": \"...\"} or"
                    + " {\"subject\": \"...\"}, a non-empty string");
        }
        ErasurePlan plan = agent != null ? eraser.planAgents(List.of(agent)) : eraser.planSubject(subject);
        if (plan.isEmpty() || (agent != null && !eraser.known(agent))) {
            return ApiResponse.error(404, "the log knows no " + (agent != null ? "agent " + agent : "subject " + subject));
        }
        return ApiResponse.ok(eraser.erase(plan, "http:" + request.keyName()).toJson());
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() && !value.textValue().isBlank() ? value.textValue() : null;
    }
}
