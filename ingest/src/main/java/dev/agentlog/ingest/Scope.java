package dev.agentlog.ingest;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an API key may do on the HTTP API. Each route needs one scope; {@link #ADMIN} implies every other.
 * Written in key files and answers as {@link #wire()}: {@code events:write}, {@code state:read}, ...
 */
public enum Scope {
    /** {@code POST /v1/events}. */
    EVENTS_WRITE("events:write"),
    /**
     * {@code GET /v1/agents...}, {@code GET /v1/blocks/...} and {@code GET /v1/dead-letters}: agents' state, history and
     * timelines, conversations included, and the dead letters; what the web UI at {@code /ui} shows.
     */
    STATE_READ("state:read"),
    /** {@code GET /metrics} on the API port. */
    METRICS_READ("metrics:read"),
    /** Everything, and whatever operator routes are added later (DLQ replay, rebuild triggers). */
    ADMIN("admin");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Scope> fromWire(String text) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
    }

    /** {@code events:write, state:read, metrics:read, admin}: for error messages. */
    public static String allWire() {
        return String.join(", ", Arrays.stream(values()).map(Scope::wire).toList());
    }

    @Override
    public String toString() {
        return wire;
    }
}
