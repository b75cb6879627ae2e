package dev.agentlog.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a local measurement of what the processor does per event besides Kafka Streams' own work, on one
 * thread, in thread CPU time (which a busy machine disturbs less than wall time): the decode it keeps, the full
 * encode it no longer does to stamp stream_seq, and the byte-level splice that replaced it, on the message.created
 * events of the one Letta workload (a 300-character text, no stream_seq). Rounds
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
        List<byte[]> values = events();
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

    /**
     * The message.created events of the one Letta workload (the bench's log), without their stream_seq: the processor
     * assigns it to events sent without one.
     */
    private static List<byte[]> events() throws Exception {
        List<byte[]> out = new ArrayList<>(EVENTS);
        // three of a turn's four events are messages: twice as many events hold enough
        LettaWorkload workload = new LettaWorkload(42, 2L * EVENTS, 1000);
        while (out.size() < EVENTS && workload.hasNext()) {
            WorkloadEvent e = workload.next();
            if (e.type() == EventType.MESSAGE_CREATED) {
                ObjectNode tree = (ObjectNode) EventCodec.JSON.readTree(e.json());
                tree.remove("stream_seq");
                out.add(EventCodec.JSON.writeValueAsBytes(tree));
            }
        }
        assertThat(out).hasSize(EVENTS);
        return out;
    }
}
