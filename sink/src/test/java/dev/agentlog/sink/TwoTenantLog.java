package dev.agentlog.sink;

import static dev.agentlog.events.EventType.AGENT_CREATED;
import static dev.agentlog.events.EventType.ARCHIVE_ATTACHED;
import static dev.agentlog.events.EventType.ARCHIVE_CREATED;
import static dev.agentlog.events.EventType.BLOCK_ATTACHED;
import static dev.agentlog.events.EventType.BLOCK_CREATED;
import static dev.agentlog.events.EventType.CONTEXT_UPDATED;
import static dev.agentlog.events.EventType.MESSAGE_CREATED;
import static dev.agentlog.events.EventType.PASSAGE_INSERTED;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/**
 * A log of two tenants and some streams of none, sunk into a fresh schema of the test PostgreSQL by the real sink:
 * the ground of the tenant tests here and of the tenant-scoped queries (module query, through this test-jar).
 * acme owns agent-a, block-a, archive-a; globex owns agent-g and block-g; block-n and agent-n have none, and globex's
 * agent names acme's block, archive and message.
 */
public final class TwoTenantLog {
    static final Map<String, String> TENANTS = Map.of("agent-a", "acme", "block-a", "acme", "archive-a", "acme",
            "agent-g", "globex", "block-g", "globex");

    /** The sink and the log it has sunk so far (tests of this package add to it). */
    record Sunk(String schema, SinkCore core, TestLog log) {}

    private TwoTenantLog() {}

    /** Sinks the log into a new schema and returns the schema's name. */
    public static String sinkIntoFreshSchema() {
        return sink().schema();
    }

    static Sunk sink() {
        String schema = TestPostgres.freshSchema("tenants");
        SinkCore core = new SinkCore(TestPostgres.dataSource(), SinkSettings.defaults().withSchema(schema),
                new RecordedDeadLetters(), new SimpleMeterRegistry());
        TestLog log = new TestLog().withTenants(TENANTS::get);
        core.assign(log.partitions());
        log.add("agent-a", AGENT_CREATED, "{\"name\":\"ada's agent\"}");
        log.add("block-a", BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"Ada likes tea\"}");
        log.add("archive-a", ARCHIVE_CREATED, "{\"name\":\"ada's archive\"}");
        log.add("archive-a", PASSAGE_INSERTED, "{\"passage_id\":\"passage-a\",\"text\":\"Ada's secret\"}");
        log.add("agent-a", BLOCK_ATTACHED, "{\"block_id\":\"block-a\",\"label\":\"human\"}");
        log.add("agent-a", ARCHIVE_ATTACHED, "{\"archive_id\":\"archive-a\"}");
        log.add("agent-a", MESSAGE_CREATED, message("message-a", "Ada's first words"));
        log.add("agent-a", CONTEXT_UPDATED, "{\"message_ids\":[\"message-a\"]}");
        log.add("agent-g", AGENT_CREATED, "{\"name\":\"globex agent\"}");
        log.add("block-g", BLOCK_CREATED, "{\"label\":\"persona\",\"value\":\"globex persona\"}");
        log.add("agent-g", BLOCK_ATTACHED, "{\"block_id\":\"block-g\",\"label\":\"persona\"}");
        // globex names acme's block, archive and message from its own stream: the reads must not show them
        log.add("agent-g", BLOCK_ATTACHED, "{\"block_id\":\"block-a\",\"label\":\"human\"}");
        log.add("agent-g", ARCHIVE_ATTACHED, "{\"archive_id\":\"archive-a\"}");
        log.add("agent-g", MESSAGE_CREATED, message("message-g", "globex words"));
        log.add("agent-g", CONTEXT_UPDATED, "{\"message_ids\":[\"message-g\",\"message-a\"]}");
        log.add("agent-n", AGENT_CREATED, "{\"name\":\"from before tenants\"}");
        log.add("block-n", BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"nobody's\"}");
        core.process(log.drain());
        return new Sunk(schema, core, log);
    }

    private static String message(String id, String text) {
        return "{\"message_id\":\"" + id + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}";
    }
}
