package dev.agentlog.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a local measurement of what the processor does per event besides Kafka Streams' own work, on one
 * thread, in thread CPU time (which a busy machine disturbs less than wall time): the decode it keeps, the full
 * encode it no longer does to stamp stream_seq, and the byte-level splice that replaced it, on message.created
 * events shaped like the bench's Letta-like log (a 300-character text, about 500 bytes, no stream_seq). Rounds
 * alternate; medians are printed. Run:
 * {@code mvn -o -pl processor -am verify -Dtest=ValueOfRecordMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * -Dagentlog.measure=true} and read target/surefire-reports/*ValueOfRecordMeasurement-output.txt.
 */
@EnabledIfSystemProperty(named = "agentlog.measure", matches = "true")
class ValueOfRecordMeasurement {
    private static final int EVENTS = Integer.getInteger("agentlog.measure.events", 100_000);
    private static final int ROUNDS = Integer.getInteger("agentlog.measure.rounds", 7);
    private static final EventCodec CODEC = EventCodec.standard();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void measureDecodeEncodeAndSplice() throws Exception {
        List<byte[]> values = events(new Random(42));
        List<Event> decoded = new ArrayList<>(values.size());
        for (byte[] value : values) {
            decoded.add(CODEC.decode(value));
        }
        long[] decode = new long[ROUNDS];
        long[] encode = new long[ROUNDS];
        long[] splice = new long[ROUNDS];
        long sink = 0;
        for (int warm = 0; warm < 3; warm++) { // the JIT compiles all three first
            sink += decodeAll(values) + encodeAll(decoded) + spliceAll(values, decoded);
        }
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            sink += decodeAll(values);
            long t1 = THREADS.getCurrentThreadCpuTime();
            sink += encodeAll(decoded);
            long t2 = THREADS.getCurrentThreadCpuTime();
            sink += spliceAll(values, decoded);
            long t3 = THREADS.getCurrentThreadCpuTime();
            decode[r] = t1 - t0;
            encode[r] = t2 - t1;
            splice[r] = t3 - t2;
        }
        assertThat(sink).isPositive();
        long bytes = values.stream().mapToLong(v -> v.length).sum();
        System.out.printf("%d message.created events of %d bytes on average, %d rounds, thread CPU per event"
                        + " (median, min-max):%n", EVENTS, bytes / EVENTS, ROUNDS);
        print("decode (kept: the one parse)", decode);
        print("encode with stream_seq (before)", encode);
        print("splice stream_seq (now)", splice);
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf("  %-34s %6.2f us (%.2f-%.2f)%n", what, sorted[sorted.length / 2] / 1e3 / EVENTS,
                sorted[0] / 1e3 / EVENTS, sorted[sorted.length - 1] / 1e3 / EVENTS);
    }

    private static long decodeAll(List<byte[]> values) throws Exception {
        long n = 0;
        for (byte[] value : values) {
            n += CODEC.decode(value).eventId().length();
        }
        return n;
    }

    private static long encodeAll(List<Event> events) {
        long n = 0;
        long seq = 1;
        for (Event event : events) {
            n += CODEC.encode(event.withStreamSeq(seq++)).length;
        }
        return n;
    }

    private static long spliceAll(List<byte[]> values, List<Event> events) {
        long n = 0;
        for (int i = 0; i < values.size(); i++) {
            n += StreamSeqSplice.valueOfRecord(CODEC, events.get(i), values.get(i), i + 1).length;
        }
        return n;
    }

    /** message.created as the bench's workload writes them, without stream_seq (the processor assigns it). */
    private static List<byte[]> events(Random random) {
        List<byte[]> out = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            String agent = "agent-" + new UUID(7, random.nextInt(1000));
            String json = "{\"event_id\":\"" + new UUID(random.nextLong(), random.nextLong())
                    + "\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\"" + agent
                    + "\",\"occurred_at\":\"2026-11-24T10:15:30.123456Z\",\"source\":\"bench\",\"payload\":{"
                    + "\"message_id\":\"message-" + new UUID(random.nextLong(), random.nextLong())
                    + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text(random, 300)
                    + "\"}],\"created_at\":\"2026-11-24T10:15:30.120Z\"}}";
            out.add(json.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String text(Random random, int length) {
        StringBuilder b = new StringBuilder(length + 1);
        while (b.length() < length) {
            b.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }
}
