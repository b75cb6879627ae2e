package dev.agentlog.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The sink's decode of a record and the copy of its payload and jsonb values into COPY rows, per event, for the bench's
 * Letta-like workload in clear and sealed (keys in memory, as cached in a running sink), on one thread: the part of
 * the sink's work that sealing changes, apart from the Kafka client and PostgreSQL (opt-in: {@code mvn -B -o -pl sink
 * -am verify -Dtest=SinkOpeningCostMeasurement -Dsurefire.failIfNoSpecifiedTests=false -Dagentlog.measure=true}; read
 * sink/target/surefire-reports/*SinkOpeningCostMeasurement-output.txt). "sealed, tree" is the path before the sink read
 * opened payloads with its locating parser.
 */
@EnabledIfSystemProperty(named = "agentlog.measure", matches = "true")
class SinkOpeningCostMeasurement {
    static final int EVENTS = 100_000;
    static final int ROUNDS = 6;

    @Test
    void measure() throws Exception {
        MemoryDataKeys keys = new MemoryDataKeys();
        PayloadCipher cipher = new PayloadCipher(keys);
        List<SinkRecord> clear = new ArrayList<>(EVENTS);
        List<SinkRecord> sealed = new ArrayList<>(EVENTS);
        long clearBytes = 0;
        long sealedBytes = 0;
        LettaWorkload workload = new LettaWorkload(15, EVENTS, 1000);
        while (workload.hasNext()) {
            WorkloadEvent e = workload.next();
            byte[] s = MemoryDataKeys.seal(cipher, e.json());
            clear.add(record(e.json()));
            sealed.add(record(s));
            clearBytes += e.json().length;
            sealedBytes += s.length;
        }
        EventCodec plain = EventCodec.standard();
        EventCodec fast = cipher.codec().parsingOpenedWith(LocatedValue::parsePayload);
        EventCodec tree = cipher.codec();
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] allocated = new double[3];
        for (int round = 0; round < ROUNDS; round++) {
            best[0] = Math.min(best[0], run(clear, plain, allocated, 0));
            best[1] = Math.min(best[1], run(sealed, fast, allocated, 1));
            best[2] = Math.min(best[2], run(sealed, tree, allocated, 2));
        }
        System.out.printf(Locale.ROOT, "record bytes: clear %.0f, sealed %.0f on average (%d events of the bench's"
                + " workload, 1000 agents)%n", (double) clearBytes / EVENTS, (double) sealedBytes / EVENTS, EVENTS);
        System.out.printf(Locale.ROOT, "thread CPU per event, best of %d rounds: clear %.2f us, sealed %.2f us (+%.0f%%),"
                + " sealed read into a tree and written back %.2f us (+%.0f%%)%n", ROUNDS, best[0], best[1],
                100 * (best[1] / best[0] - 1), best[2], 100 * (best[2] / best[0] - 1));
        System.out.printf(Locale.ROOT, "of it the AEAD alone (Tink's AES-256-GCM decrypt of each sealed event's ciphertext"
                + " with its subject's key, in log order), best of %d rounds: %.2f us per sealed event%n", ROUNDS,
                aeadAlone(sealed, keys));
        System.out.printf(Locale.ROOT, "bytes allocated per event, last round: clear %.0f, sealed %.0f, sealed read into"
                + " a tree and written back %.0f%n", allocated[0], allocated[1], allocated[2]);
    }

    /** Thread CPU per event in microseconds: decode, then copy the events row's payload and the jsonb values. */
    private static double run(List<SinkRecord> records, EventCodec codec, double[] allocated, int slot)
            throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean memory = (com.sun.management.ThreadMXBean) threads;
        long allocatedBefore = memory.getCurrentThreadAllocatedBytes();
        long start = threads.getCurrentThreadCpuTime();
        BinaryCopy copy = null;
        for (int i = 0; i < records.size(); i++) {
            if (i % 2000 == 0) {
                copy = new BinaryCopy(1 << 20); // one COPY buffer per batch of the bench's 2,000 events
            }
            SinkRecord r = records.get(i);
            DecodedRecord d = DecodedRecord.decode(r, codec);
            assertThat(d.refusal()).isNull();
            LocatedValue value = d.value();
            copy.jsonb(value.source(), value.payloadStart(), value.payloadEnd() - value.payloadStart());
            for (RecordComponent c : d.event().payload().getClass().getRecordComponents()) {
                if (c.getAccessor().invoke(d.event().payload()) instanceof JsonNode node && node.isContainerNode()) {
                    copy.jsonb(node);
                }
            }
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        allocated[slot] = (double) (memory.getCurrentThreadAllocatedBytes() - allocatedBefore) / records.size();
        return cpu / 1e3 / records.size();
    }

    /** Thread CPU per sealed event of the decryption alone, the ciphertexts and associated data made beforehand. */
    private static double aeadAlone(List<SinkRecord> records, MemoryDataKeys keys) throws Exception {
        List<com.google.crypto.tink.Aead> aeads = new ArrayList<>();
        List<byte[]> ciphertexts = new ArrayList<>();
        List<byte[]> associated = new ArrayList<>();
        for (SinkRecord r : records) {
            JsonNode tree = EventCodec.parse(r.value());
            JsonNode sealed = tree.path("payload").path(dev.agentlog.events.Sealing.FIELD);
            if (sealed.has("ct")) {
                String subject = sealed.get("subject").textValue();
                aeads.add(keys.forOpening(subject).orElseThrow());
                ciphertexts.add(dev.agentlog.events.Sealing.ciphertext(sealed.get("ct")));
                associated.add(dev.agentlog.events.Sealing.associatedData(tree.get("event_id").textValue(),
                        dev.agentlog.events.EventType.fromWireName(tree.get("type").textValue()).orElseThrow(),
                        subject));
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < aeads.size(); i++) {
                aeads.get(i).decrypt(ciphertexts.get(i), associated.get(i));
            }
            best = Math.min(best, (threads.getCurrentThreadCpuTime() - start) / 1e3 / aeads.size());
        }
        return best;
    }

    private static SinkRecord record(byte[] value) {
        return new SinkRecord("agentlog.events", 0, 0, "k".getBytes(StandardCharsets.UTF_8), value);
    }
}
