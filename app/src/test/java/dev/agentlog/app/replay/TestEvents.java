package dev.agentlog.app.replay;

import java.time.Instant;

/** Event JSON for tests: explicit event ids and occurred_at, so points in time are known. */
final class TestEvents {
    private TestEvents() {}

    static String event(String id, String stream, String type, Instant at, String payload) {
        return event(id, stream, type, at, payload, null, null);
    }

    static String event(String id, String stream, String type, Instant at, String payload, String actor, String agentId) {
        return "{\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"schema_version\":" + version(type)
                + ",\"stream_id\":\"" + stream + "\",\"occurred_at\":\"" + at + "\""
                + (actor == null ? "" : ",\"actor\":\"" + actor + "\"")
                + (agentId == null ? "" : ",\"agent_id\":\"" + agentId + "\"")
                + ",\"source\":\"test\",\"payload\":" + payload + "}";
    }

    /** The event as a client of {@code tenant} writes it (the tenant's ingest or client library stamps it). */
    static String ofTenant(String tenant, String eventJson) {
        return eventJson.replaceFirst("\\{", "{\"tenant\":\"" + tenant + "\",");
    }

    private static int version(String type) {
        return type.equals("message.created") ? 2 : 1;
    }

    static String message(String id, String role, String text) {
        return "{\"message_id\":\"" + id + "\",\"role\":\"" + role + "\",\"content\":[{\"type\":\"text\",\"text\":\""
                + text + "\"}]}";
    }
}
