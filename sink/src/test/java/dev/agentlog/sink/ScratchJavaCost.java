package dev.agentlog.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.sink.fold.BatchOverlay;
import dev.agentlog.sink.fold.ProjectionFold;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.internal.BinaryCopy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

@EnabledIfSystemProperty(named = "agentlog.measure", matches = "true")
class ScratchJavaCost {
    static long cpu() { return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); }
    @Test
    void cost() throws Exception {
        TestLog log = new TestLog();
        String content = "Sure, I can help with that. Here is what I found about the topic you asked for, with a few more words so that a message is about as long as a real one.";
        for (int i = 0; i < 100_000; i++) {
            log.add(UUID.randomUUID().toString(), "agent-" + (i % 50), EventType.MESSAGE_CREATED,
                    "{\"message_id\":\"message-" + UUID.randomUUID() + "\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"" + content + "\"}],\"step_id\":\"step-" + i + "\",\"run_id\":\"run-" + (i / 10) + "\",\"otid\":\"otid-" + i + "\",\"source_sequence\":" + i + "}");
        }
        List<SinkRecord> records = log.records();
        EventCodec codec = EventCodec.standard();
        records = records.subList(0, 100_000);
        for (int round = 0; round < 6; round++) {
            long t0 = cpu();
            List<JsonNode> trees = new ArrayList<>();
            for (SinkRecord r : records) trees.add(EventCodec.parse(r.value()));
            long t1 = cpu();
            List<Event> events = new ArrayList<>();
            for (JsonNode t : trees) events.add(codec.fromJson(t));
            long t2 = cpu();
            BinaryCopy eventsCopy = new BinaryCopy(1 << 20);
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                eventsCopy.startRow(14).text(e.eventId()).text(e.streamId()).int8(e.streamSeq()).text(e.type().wireName()).int4(e.schemaVersion())
                        .text(e.agentId()).text(e.organizationId()).timestamptz(e.occurredAt().toInstant()).text(e.source()).text(e.actor())
                        .jsonb(trees.get(i).get("payload")).text("agentlog.events").int4(0).int8((long) i);
            }
            long t3 = cpu();
            BatchOverlay overlay = new BatchOverlay();
            for (Event e : events) ProjectionFold.apply(e, overlay);
            long t4 = cpu();
            BinaryCopy messages = new BinaryCopy(1 << 20);
            var cols = Tables.MESSAGES.columns();
            for (var row : overlay.rows(Tables.MESSAGES).upserts().values()) {
                Object[] v = Tables.MESSAGES.values(row);
                messages.startRow(v.length);
                for (int i = 0; i < v.length; i++) messages.value(cols.get(i).type(), v[i]);
            }
            long t5 = cpu();
            System.out.printf("per event: parse %.2f us, fromJson %.2f us, events copy %.2f us, fold %.2f us, messages copy %.2f us%n",
                    (t1 - t0) / 1e5 / 1e3, (t2 - t1) / 1e5 / 1e3, (t3 - t2) / 1e5 / 1e3, (t4 - t3) / 1e5 / 1e3, (t5 - t4) / 1e5 / 1e3);
        }
    }
}
