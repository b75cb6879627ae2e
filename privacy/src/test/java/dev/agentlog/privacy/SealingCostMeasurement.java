package dev.agentlog.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.MessageCreated;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What sealing adds to the decode a reader does per event (opt-in: {@code mvn -pl privacy -am verify
 * -Dtest=SealingCostMeasurement -Dsurefire.failIfNoSpecifiedTests=false -Dagentlog.measure=true}; read
 * target/surefire-reports/*SealingCostMeasurement-output.txt). Letta-like message.created events with 300 characters of
 * text on 40 agents (keys cached, as in a running sink): the thread's CPU per event to decode the plain record, and to
 * decode and open the sealed one; and what the edge spends per event to seal.
 */
@EnabledIfSystemProperty(named = "agentlog.measure", matches = "true")
class SealingCostMeasurement {
    static final int EVENTS = 100_000;
    static final int ROUNDS = 5;

    @Test
    void measure() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        PayloadCipher cipher = new PayloadCipher(new MemoryKeys());
        EventCodec edge = cipher.codec();
        EventCodec plain = EventCodec.standard();
        Random random = new Random(15);
        List<byte[]> plainRecords = new ArrayList<>(EVENTS);
        List<Event> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            StringBuilder text = new StringBuilder();
            while (text.length() < 300) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            String json = "{\"event_id\":\"e-" + i + "\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":"
                    + "\"agent-" + (i % 40) + "\",\"stream_seq\":" + (i / 40 + 1) + ",\"occurred_at\":"
                    + "\"2026-11-24T10:00:00Z\",\"payload\":{\"message_id\":\"m-" + i + "\",\"role\":\"user\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"step_id\":\"step-" + i + "\"}}";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            plainRecords.add(bytes);
            events.add(plain.decode(bytes));
        }
        List<byte[]> sealedRecords = new ArrayList<>(EVENTS);
        long sealNanos = 0;
        for (int round = 0; round < ROUNDS; round++) {
            sealedRecords.clear();
            long start = threads.getCurrentThreadCpuTime();
            for (Event event : events) {
                sealedRecords.add(edge.encode(edge.seal(event)));
            }
            sealNanos = threads.getCurrentThreadCpuTime() - start;
        }
        long plainNanos = 0;
        long openNanos = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (byte[] record : plainRecords) {
                plain.decode(record);
            }
            plainNanos = threads.getCurrentThreadCpuTime() - start;
            start = threads.getCurrentThreadCpuTime();
            for (byte[] record : sealedRecords) {
                assertThat(edge.decode(record).payload()).isInstanceOf(MessageCreated.class);
            }
            openNanos = threads.getCurrentThreadCpuTime() - start;
        }
        System.out.printf("record bytes: plain %.0f, sealed %.0f on average%n",
                plainRecords.stream().mapToInt(r -> r.length).average().orElse(0),
                sealedRecords.stream().mapToInt(r -> r.length).average().orElse(0));
        System.out.printf("CPU per event (last of %d rounds of %d): decode plain %.1f us, decode and open sealed %.1f us,"
                + " seal and encode at the edge %.1f us%n", ROUNDS, EVENTS, plainNanos / 1e3 / EVENTS,
                openNanos / 1e3 / EVENTS, sealNanos / 1e3 / EVENTS);
    }
}
