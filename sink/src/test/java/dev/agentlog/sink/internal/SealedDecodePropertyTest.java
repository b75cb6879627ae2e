package dev.agentlog.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.RuleCode;
import dev.agentlog.events.Sealing;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The sink's fast path for sealed events (the opened plaintext read once by the sink's locating parser,
 * {@link LocatedValue#parsePayload}, its jsonb values stored from the plaintext's bytes) decodes exactly what the clear
 * event decodes to, and what the slow path (the plaintext read by the contract's parser into a plain tree, then written
 * back to text) decodes to, across the workload's event types; and the checks of the opening still refuse.
 */
class SealedDecodePropertyTest {
    private static final PayloadCipher CIPHER = new PayloadCipher(new MemoryDataKeys());
    private static final EventCodec CLEAR = EventCodec.standard();
    /** The sink's codec with encryption on (SinkCore wraps the cipher's codec so). */
    private static final EventCodec FAST = CIPHER.codec().parsingOpenedWith(LocatedValue::parsePayload);
    /** The codec before the fast path: the plaintext parsed into a plain tree. */
    private static final EventCodec SLOW = CIPHER.codec();

    @Property(tries = 30)
    void sealedThenOpenedDecodesToTheClearEvent(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 3, max = 12) int agents) throws Exception {
        List<WorkloadEvent> log = new LettaWorkload(seed, 7L * agents + 20 + seed % 400, agents).toList();
        Set<EventType> opened = EnumSet.noneOf(EventType.class);
        for (WorkloadEvent e : log) {
            DecodedRecord clear = DecodedRecord.decode(record(e.json()), CLEAR);
            byte[] sealedJson = MemoryDataKeys.seal(CIPHER, e.json());
            DecodedRecord fast = DecodedRecord.decode(record(sealedJson), FAST);
            DecodedRecord slow = DecodedRecord.decode(record(sealedJson), SLOW);

            assertThat(clear.refusal()).as(e.type() + " clear").isNull();
            assertThat(fast.refusal()).as(e.type() + " sealed").isNull();
            assertThat(fast.event()).isEqualTo(clear.event()).isEqualTo(slow.event());
            assertThat(fast.wasSealed()).isEqualTo(Sealing.isSealed(EventCodec.parse(sealedJson).get("payload")));
            // the events row keeps the record's (sealed) payload text, both ways
            assertThat(fast.value().payloadBytes()).isEqualTo(slow.value().payloadBytes());
            for (JsonNode value : jsonValues(fast.event())) {
                // what the sink stores for a jsonb column: the plaintext's bytes, which read back to the same value
                LocatedJson.Location text = value instanceof LocatedJson located ? located.location() : null;
                if (fast.wasSealed() && !value.isEmpty()) {
                    assertThat(text).as(e.type() + " " + value + " located in the plaintext").isNotNull();
                }
                if (text != null) {
                    byte[] stored = java.util.Arrays.copyOfRange(text.source(), text.start(), text.end());
                    assertThat(EventCodec.parse(stored)).isEqualTo(value);
                }
            }
            if (fast.wasSealed()) {
                opened.add(e.type());
            }
        }
        assertThat(opened).as("sealed events were opened by the fast path").isNotEmpty();
    }

    @Property(tries = 30)
    void aChangedClearFieldOrCiphertextIsRefusedAsBefore(@ForAll @LongRange(min = 0, max = 1_000_000) long seed)
            throws Exception {
        List<WorkloadEvent> log = new LettaWorkload(seed, 60, 3).toList();
        for (WorkloadEvent e : log) {
            byte[] sealedJson = MemoryDataKeys.seal(CIPHER, e.json());
            ObjectNode tree = (ObjectNode) EventCodec.parse(sealedJson);
            ObjectNode payload = (ObjectNode) tree.get("payload");
            if (!Sealing.isSealed(payload)) {
                continue;
            }
            List<ObjectNode> changed = new ArrayList<>();
            payload.fieldNames().forEachRemaining(name -> {
                if (!name.equals(Sealing.FIELD) && payload.get(name).isTextual()) {
                    ObjectNode copy = tree.deepCopy();
                    ((ObjectNode) copy.get("payload")).put(name, payload.get(name).textValue() + "x");
                    changed.add(copy);
                }
            });
            ObjectNode otherEvent = tree.deepCopy();
            otherEvent.put("event_id", tree.get("event_id").textValue() + "-moved");
            changed.add(otherEvent);
            for (ObjectNode bad : changed) {
                byte[] bytes = EventCodec.JSON.writeValueAsBytes(bad);
                for (EventCodec codec : List.of(FAST, SLOW)) {
                    DecodedRecord decoded = DecodedRecord.decode(record(bytes), codec);
                    assertThat(decoded.refusal()).as(bad.toString()).isNotNull();
                    assertThat(decoded.refusal().codes()).contains(RuleCode.UNREADABLE);
                }
            }
        }
    }

    /** The payload's object and array values, as the projections store them in jsonb columns. */
    private static List<JsonNode> jsonValues(Event event) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        RecordComponent[] components = event.payload().getClass().getRecordComponents();
        for (RecordComponent c : components) {
            Object value = c.getAccessor().invoke(event.payload());
            if (value instanceof JsonNode node && node.isContainerNode()) {
                out.add(node);
            } else if (value instanceof java.util.Map<?, ?> map) {
                for (Object v : map.values()) {
                    if (v instanceof JsonNode node && node.isContainerNode()) {
                        out.add(node);
                    }
                }
            }
        }
        return out;
    }

    private static SinkRecord record(byte[] value) {
        return new SinkRecord("agentlog.events", 0, 0, "k".getBytes(StandardCharsets.UTF_8), value);
    }
}
