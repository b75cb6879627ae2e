package dev.agentlog.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.events.EventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: the agent file benchmark of docs/benchmarks.md. Sends one agent with 10,000 messages, one block written
 * 1,000 times (1,000 versions) and an archive of 1,000 passages (1536-float embeddings) through the real pipeline, then
 * times {@code agentlog letta export AGENT --format af --out FILE} in-process (connection pool, snapshot, reading and
 * folding the streams, writing the file) five times. Run:
 * {@code mvn -o -pl app -am verify -Dtest=LettaAgentFileBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dagentlog.benchmark=true} and read app/target/agentfile-benchmark.txt.
 */
@EnabledIfSystemProperty(named = "agentlog.benchmark", matches = "true")
class LettaAgentFileBenchmark {
    static final String AGENT = "agent-afbench-1";
    static final String BLOCK = "block-afbench-1";
    static final String ARCHIVE = "archive-afbench-1";
    static final int MESSAGES = 10_000;
    static final int VERSIONS = 1_000;
    static final int PASSAGES = 1_000;
    static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");

    int seq;

    ObjectNode event(String type, String stream, ObjectNode payload) {
        ObjectNode e = EventCodec.JSON.createObjectNode();
        e.put("event_id", "afbench-" + seq);
        e.put("type", type);
        e.put("schema_version", type.equals("message.created") ? 2 : 1);
        e.put("stream_id", stream);
        e.put("occurred_at", BASE.plusMillis(seq++).toString());
        e.set("payload", payload);
        return e;
    }

    static ObjectNode payload() {
        return EventCodec.JSON.createObjectNode();
    }

    @Test
    void measureExport() throws Exception {
        List<String> log = new ArrayList<>();
        ObjectNode agent = payload().put("name", "bench").put("agent_type", "letta_v1_agent").put("system", "You are bench.");
        agent.putObject("llm_config").put("model", "gpt-4o-mini").put("model_endpoint_type", "openai")
                .put("context_window", 128000);
        log.add(event("agent.created", AGENT, agent).toString());
        log.add(event("block.created", BLOCK, payload().put("label", "human").put("value", "v0").put("limit", 20000))
                .toString());
        log.add(event("block.attached", AGENT, payload().put("block_id", BLOCK).put("label", "human")).toString());
        for (int v = 2; v <= VERSIONS; v++) {
            log.add(event("block.updated", BLOCK, payload().put("value", "Name: Ada. Version " + v + " of what I know.")
                    .put("version", v)).toString());
        }
        log.add(event("archive.created", ARCHIVE, payload().put("name", "bench archive")).toString());
        log.add(event("archive.attached", AGENT, payload().put("archive_id", ARCHIVE)).toString());
        for (int p = 0; p < PASSAGES; p++) {
            ObjectNode passage = payload().put("passage_id", "passage-afbench-" + p).put("text", "Passage " + p
                    + " of the bench archive, a sentence or two of what the agent filed away.");
            ArrayNode embedding = passage.putArray("embedding");
            for (int i = 0; i < 1536; i++) {
                embedding.add((float) Math.sin(p * 1536 + i));
            }
            log.add(event("passage.inserted", ARCHIVE, passage).toString());
        }
        ArrayNode window = payload().putArray("message_ids");
        for (int m = 0; m < MESSAGES; m++) {
            ObjectNode message = payload().put("message_id", "message-afbench-" + m)
                    .put("role", m % 2 == 0 ? "user" : "assistant").put("created_at", BASE.plusSeconds(m).toString());
            message.putArray("content").addObject().put("type", "text").put("text", "Message " + m
                    + ": a turn of an ordinary conversation, about as long as a chat message is, give or take some words.");
            log.add(event("message.created", AGENT, message).toString());
            if (m >= MESSAGES - 50) {
                window.add("message-afbench-" + m);
            }
        }
        ObjectNode context = payload();
        context.set("message_ids", window);
        log.add(event("context.updated", AGENT, context).toString());

        StringBuilder report = new StringBuilder();
        try (ReplayFixture fixture = new ReplayFixture("afbench", "afbench")) {
            for (int from = 0; from < log.size(); from += 1_000) {
                fixture.publish(log.subList(from, Math.min(log.size(), from + 1_000)));
            }
            fixture.probe.awaitDrained();
            Path out = Files.createTempFile("agentfile-bench", ".af");
            List<Long> millis = new ArrayList<>();
            for (int run = 0; run < 5; run++) {
                long start = System.nanoTime();
                CliRun export = Cli.run(fixture.args("letta export", List.of(AGENT, "--format", "af", "--out",
                        out.toString()), false));
                millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
                assertThat(export.exitCode()).as(export.err()).isZero();
            }
            JsonNode file = EventCodec.JSON.readTree(out.toFile());
            assertThat(file.at("/agents/0/messages")).hasSize(MESSAGES);
            assertThat(file.at("/agents/0/in_context_message_ids")).hasSize(50);
            assertThat(file.at("/blocks/0/value").asText()).contains("Version " + VERSIONS);
            List<Long> sorted = millis.stream().sorted().toList();
            report.append(String.format(Locale.ROOT, "agent file export: %d messages, %d block versions, %d passages"
                    + " (%d events in the log); file %d bytes; runs (ms): %s; median %d ms, best %d ms, worst %d ms%n",
                    MESSAGES, VERSIONS, PASSAGES, log.size(), Files.size(out), millis, sorted.get(2), sorted.get(0),
                    sorted.get(4)));
            Files.delete(out);
        }
        Files.writeString(Path.of("target", "agentfile-benchmark.txt"), report);
        System.out.print(report);
    }
}
