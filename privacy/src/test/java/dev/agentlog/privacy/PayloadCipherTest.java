package dev.agentlog.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.BlockCreated;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.RuleCode;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.Sealing;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Whitespace;
import org.junit.jupiter.api.Test;

/**
 * The payload cipher with the codec, as the edge, the processor and the readers use it: what it seals, that only the
 * subject's key opens it, that a change anywhere (ciphertext, a clear id, the event it sits in) is refused, and that an
 * erased subject's events never open again.
 */
class PayloadCipherTest {
    final MemoryKeys keys = new MemoryKeys();
    final PayloadCipher cipher = new PayloadCipher(keys);
    final EventCodec edge = cipher.codec();
    final EventCodec processor = EventCodec.standard();

    static String message(String eventId, String agent, String text) {
        return "{\"event_id\":\"" + eventId + "\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\""
                + agent + "\",\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":{\"message_id\":\"m-" + eventId
                + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" + EventCodec.JSON.valueToTree(text)
                + "}],\"letta_column\":" + EventCodec.JSON.valueToTree(text) + "}}";
    }

    Event sealedAtTheEdge(String json) throws Exception {
        return edge.fromClientJson(EventCodec.parse(json.getBytes(StandardCharsets.UTF_8)), null);
    }

    @Property(tries = 200)
    void shouldOpenWhatItSealedAndShowNoneOfItInTheRecord(@ForAll @StringLength(min = 12, max = 300) @CharRange(from = 'A', to = 'z') @Whitespace String text)
            throws Exception {
        String json = message("e1", "agent-a", text);
        Event plain = processor.decode(json.getBytes(StandardCharsets.UTF_8));
        Event sealed = sealedAtTheEdge(json);
        byte[] record = edge.encode(sealed);

        assertThat(sealed.payload()).isInstanceOf(SealedPayload.class);
        String recordText = new String(record, StandardCharsets.UTF_8);
        assertThat(recordText).doesNotContain(EventCodec.JSON.writeValueAsString(text).replace("\"", ""));
        assertThat(recordText).contains("\"message_id\":\"m-e1\"", "\"role\":\"user\"");
        assertThat(edge.decode(record)).isEqualTo(plain);
    }

    @Test
    void shouldPassTheProcessorWithoutKeysAndCheckTheClearFields() throws Exception {
        byte[] record = edge.encode(sealedAtTheEdge(message("e2", "agent-a", "remember that I prefer tea")));
        Event seen = processor.decode(record);
        assertThat(seen.payload()).isInstanceOfSatisfying(SealedPayload.class, p -> {
            assertThat(p.erased()).isFalse();
            assertThat(p.subject()).isEqualTo("agent-a");
        });
        assertThat(processor.encode(seen)).isEqualTo(record);

        ObjectNode tree = (ObjectNode) EventCodec.parse(record);
        ((ObjectNode) tree.get("payload")).remove("message_id");
        assertThatThrownBy(() -> processor.fromJson(tree)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.getMessage()).contains("payload.message_id"));
        ((ObjectNode) tree.get("payload")).put("text", "in clear");
        assertThatThrownBy(() -> processor.fromJson(tree)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.getMessage()).contains("payload.text"));
    }

    @Test
    void shouldRefuseAChangedCiphertextAClearIdOrACiphertextMovedToAnotherEvent() throws Exception {
        byte[] record = edge.encode(sealedAtTheEdge(message("e3", "agent-a", "my bank is Acme")));
        ObjectNode tree = (ObjectNode) EventCodec.parse(record);
        ObjectNode sealed = (ObjectNode) tree.get("payload").get(Sealing.FIELD);
        String ct = sealed.get("ct").asText();

        sealed.put("ct", ct.substring(0, 20) + (ct.charAt(20) == 'A' ? 'B' : 'A') + ct.substring(21));
        assertUnreadable(tree);
        sealed.put("ct", ct);
        ((ObjectNode) tree.get("payload")).put("message_id", "m-other");
        assertUnreadable(tree);
        ((ObjectNode) tree.get("payload")).put("message_id", "m-e3");
        tree.put("event_id", "e4");
        assertUnreadable(tree);
        tree.put("event_id", "e3");
        keys.forSealing("agent-b");
        sealed.put("subject", "agent-b");
        assertUnreadable(tree);
        sealed.put("subject", "agent-a");
        assertThat(edge.fromJson(tree).payload()).isInstanceOf(MessageCreated.class);
    }

    private void assertUnreadable(ObjectNode tree) {
        assertThatThrownBy(() -> edge.fromJson(tree)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.violations()).anySatisfy(v -> assertThat(v.code()).isEqualTo(RuleCode.UNREADABLE)));
    }

    @Test
    void shouldShowNothingOfAnErasedSubjectAndSealNothingMoreForIt() throws Exception {
        String block = "{\"event_id\":\"b1\",\"type\":\"block.created\",\"schema_version\":1,\"stream_id\":\"block-a\","
                + "\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":{\"label\":\"human\",\"value\":\"Ada, 42\"}}";
        byte[] record = edge.encode(sealedAtTheEdge(block));
        assertThat(edge.decode(record).payload()).isInstanceOf(BlockCreated.class);

        keys.erase("block-a");
        assertThat(edge.decode(record).payload()).isInstanceOfSatisfying(SealedPayload.class,
                p -> assertThat(p.erased()).isTrue());
        assertThatThrownBy(() -> sealedAtTheEdge(block)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.getMessage()).contains("stream_id", "erased"));
    }

    @Test
    void shouldRefuseAClientsSealedPayloadAndSubjectErased() {
        String forged = "{\"event_id\":\"f1\",\"type\":\"agent.deleted\",\"schema_version\":1,\"stream_id\":\"agent-a\","
                + "\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":{\"$sealed\":{\"v\":1,\"subject\":\"agent-a\",\"ct\":\"AA\"}}}";
        assertThatThrownBy(() -> sealedAtTheEdge(forged)).hasMessageContaining("payload.$sealed");
        String erased = "{\"event_id\":\"f2\",\"type\":\"subject.erased\",\"schema_version\":1,\"stream_id\":\"agent-a\","
                + "\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":{\"requested_by\":\"me\",\"agents\":[\"agent-a\"]}}";
        assertThatThrownBy(() -> sealedAtTheEdge(erased)).hasMessageContaining("subject.erased is written by agentlog erase");
    }
}
