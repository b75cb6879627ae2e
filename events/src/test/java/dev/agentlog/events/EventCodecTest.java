package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private final EventCodec codec = EventCodec.standard();

    @Test
    void shouldRoundTripEveryTypeOfTheCatalogueUnchanged() throws Exception {
        Map<EventType, String> payloads = SampleEvents.payloads();
        assertThat(payloads.keySet()).containsExactlyInAnyOrder(EventType.values());
        for (Map.Entry<EventType, String> entry : payloads.entrySet()) {
            ObjectNode json = SampleEvents.event(entry.getKey(), entry.getValue());
            Event event = codec.decode(EventCodec.JSON.writeValueAsBytes(json));

            assertThat(event.type()).isEqualTo(entry.getKey());
            assertThat(event.payload().type()).isEqualTo(entry.getKey());
            Event again = codec.decode(codec.encode(event));
            assertThat(again).as(entry.getKey().wireName()).isEqualTo(event);
            assertThat(codec.toJson(again)).as(entry.getKey().wireName()).isEqualTo(codec.toJson(event));
        }
    }

    @Test
    void shouldKeepUnknownPayloadFieldsVerbatim() throws Exception {
        ObjectNode json = SampleEvents.event(EventType.AGENT_CREATED, SampleEvents.payloads().get(EventType.AGENT_CREATED));
        ObjectNode payload = (ObjectNode) json.get("payload");
        payload.set("x_nested", EventCodec.JSON.readTree("{\"deep\":[1.000,{\"z\":null}],\"big\":12345678901234567890}"));

        JsonNode out = codec.toJson(codec.decode(EventCodec.JSON.writeValueAsBytes(json))).get("payload");

        assertThat(out.get("x_future")).isEqualTo(payload.get("x_future"));
        assertThat(out.get("x_nested").toString()).isEqualTo("{\"deep\":[1.000,{\"z\":null}],\"big\":12345678901234567890}");
        assertThat(out.get("metadata").toString()).isEqualTo("{\"k\":1.50}");
    }

    @Test
    void shouldReadTypedFieldsOfAMessage() throws Exception {
        Event event = codec.decode(bytes(SampleEvents.event(EventType.MESSAGE_CREATED,
                SampleEvents.payloads().get(EventType.MESSAGE_CREATED))));

        MessageCreated message = (MessageCreated) event.payload();
        assertThat(message.messageId()).isEqualTo("message-1");
        assertThat(message.role()).isEqualTo("assistant");
        assertThat(message.sourceSequence()).isEqualTo(42L);
        assertThat(message.createdAt()).isEqualTo(OffsetDateTime.parse("2026-11-24T10:00:00.123456Z"));
        assertThat(message.toolCalls().get(0).get("function").get("name").asText()).isEqualTo("send_message");
        assertThat(event.streamSeq()).isEqualTo(3L);
        assertThat(event.occurredAt()).isEqualTo(OffsetDateTime.parse("2026-11-24T10:00:00.5Z"));
    }

    @Test
    void shouldTellAnExplicitNullInAnUpdateFromAnAbsentField() throws Exception {
        Event event = codec.decode(bytes(SampleEvents.event(EventType.AGENT_UPDATED,
                SampleEvents.payloads().get(EventType.AGENT_UPDATED))));

        AgentUpdated update = (AgentUpdated) event.payload();
        assertThat(update.name()).isEqualTo("helper-2");
        assertThat(update.cleared()).containsExactly("description");
        assertThat(update.system()).isNull();
        assertThat(update.cleared()).doesNotContain("system");
        assertThat(codec.toJson(event).get("payload").has("description")).isTrue();
        assertThat(codec.toJson(event).get("payload").has("system")).isFalse();
    }

    @Test
    void shouldKeepEmbeddingNumbersAsFloats() throws Exception {
        Event event = codec.decode(bytes(SampleEvents.event(EventType.PASSAGE_INSERTED,
                SampleEvents.payloads().get(EventType.PASSAGE_INSERTED))));

        PassageInserted passage = (PassageInserted) event.payload();
        assertThat(passage.embedding()).containsExactly(0.1f, -0.25f, 1.0E-7f, 3f);
        assertThat(passage.tags()).containsExactly("pref", "food");
    }

    @Test
    void shouldTruncateTimestampsToTheMicrosecondPostgresKeeps() throws Exception {
        ObjectNode json = SampleEvents.event(EventType.AGENT_DELETED, "{}");
        json.put("occurred_at", "2026-11-24T10:00:00.123456789+01:00");

        Event event = codec.decode(bytes(json));

        assertThat(Timestamps.format(event.occurredAt())).isEqualTo("2026-11-24T10:00:00.123456+01:00");
    }

    @Test
    void shouldWriteSecondsEvenWhenZero() {
        assertThat(Timestamps.format(OffsetDateTime.parse("2026-11-24T10:00Z"))).isEqualTo("2026-11-24T10:00:00Z");
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRoundTripAFieldNameOutsideTheBasicPlane() throws Exception {
        // Jackson's UTF-8 parser refuses an escaped surrogate pair in a field name: the codec writes such a
        // character as UTF-8, so what it encodes it decodes
        ObjectNode json = SampleEvents.event(EventType.AGENT_UPDATED, "{\"metadata\":{\"\uD83D\uDE00 mood\":\"\uD83D\uDE00\"},"
                + "\"x_\uD83D\uDE00\":1}");
        Event event = codec.decode(EventCodec.JSON.writeValueAsBytes(json));

        Event again = codec.decode(codec.encode(event));

        assertThat(codec.toJson(again)).isEqualTo(codec.toJson(event));
        assertThat(new String(codec.encode(event), StandardCharsets.UTF_8)).contains("\"x_\uD83D\uDE00\":1");
    }

}
