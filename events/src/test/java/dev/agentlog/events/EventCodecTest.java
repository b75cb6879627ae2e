package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
    void shouldLocateThePayloadTextAndParseTheSameTree() throws Exception {
        String payload = "{ \"message_id\": \"m-1\", \"content\": [{\"type\": \"text\", \"text\": \"h\u00e9 \\\" }\"}],"
                + " \"n\": 1.50 }";
        byte[] value = ("  {\"event_id\": \"e-1\", \"schema_version\": 2, \"stream_seq\": 12345678901, \"actor\": null,"
                + " \"big\": 123456789012345678901234567890, \"f\": 1.50, \"t\": true, \"o\": {\"a\": [1, false]},"
                + " \"payload\" : " + payload + ", \"type\": \"message.created\"} ")
                .getBytes(StandardCharsets.UTF_8);

        EventCodec.Located located = EventCodec.parseLocatingPayload(value);

        assertThat(located.tree()).isEqualTo(EventCodec.parse(value));
        assertThat(new String(located.payloadBytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
    }

    @Test
    void shouldLocateEachObjectAndArrayValueOfThePayloadAsTheNodeOfTheTree() throws Exception {
        String content = "[{\"type\": \"text\", \"text\": \"h\u00e9 \\\" ] }\"}]";
        String config = "{ \"model\" : \"gpt\", \"t\": [0.5, {\"x\": null}] }";
        byte[] value = ("{\"payload\": {\"message_id\": \"m-1\", \"content\" :  " + content + " , \"n\": 2,"
                + " \"llm_config\": " + config + ", \"empty\": [], \"s\": \"[not a value]\"}, \"type\": \"x\"}")
                .getBytes(StandardCharsets.UTF_8);

        EventCodec.Located located = EventCodec.parseLocatingPayload(value);

        JsonNode payload = located.tree().get("payload");
        List<String> texts = new ArrayList<>();
        for (String field : List.of("content", "llm_config", "empty")) {
            LocatedJson.Location text = ((LocatedJson) payload.get(field)).location();
            texts.add(new String(text.source(), text.start(), text.length(), StandardCharsets.UTF_8));
        }
        assertThat(texts).containsExactly(content, config, "[]");
        assertThat(located.tree()).isEqualTo(EventCodec.parse(value));
        // only the payload's own values: deeper ones and the envelope's are not located
        assertThat(((LocatedJson) payload.get("llm_config").get("t")).location()).isNull();

        located.forgetFieldLocations();
        assertThat(((LocatedJson) payload.get("content")).location()).isNull();
    }

    @Test
    void shouldForgetWhereAPayloadsValuesCameFromWhenItIsUpcast() throws Exception {
        String payload = "{\"message_id\": \"m-1\", \"role\": \"user\", \"text\": \"hi\", \"tool_calls\": [ ]}";
        byte[] v1 = ("{\"event_id\": \"e-1\", \"type\": \"message.created\", \"schema_version\": 1,"
                + " \"stream_id\": \"agent-1\", \"occurred_at\": \"2026-12-04T10:00:00Z\", \"payload\": " + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] v2 = new String(v1, StandardCharsets.UTF_8).replace("\"schema_version\": 1", "\"schema_version\": 2")
                .replace("\"text\": \"hi\", ", "").getBytes(StandardCharsets.UTF_8);

        EventCodec.Located old = EventCodec.parseLocatingPayload(v1);
        EventCodec.Located current = EventCodec.parseLocatingPayload(v2);
        EventCodec.standard().fromJson(old.tree());
        EventCodec.standard().fromJson(current.tree());

        assertThat(((LocatedJson) old.tree().get("payload").get("tool_calls")).location()).isNull();
        assertThat(((LocatedJson) current.tree().get("payload").get("tool_calls")).location()).isNotNull();
    }

    @Test
    void shouldRefuseWhatParseRefusesWhenLocatingThePayload() {
        for (String bad : new String[] {"", "{\"a\": 1} {}", "{\"a\": ", "[1]", "{\"payload\": {}} x"}) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            String expected = messageOf(() -> EventCodec.parse(bytes));
            String actual = messageOf(() -> EventCodec.parseLocatingPayload(bytes).tree());
            assertThat(actual).as(bad).isEqualTo(expected);
        }
    }

    private static String messageOf(ThrowingSupplier parse) {
        try {
            JsonNode tree = parse.get();
            return "parsed " + tree;
        } catch (InvalidEventException e) {
            return e.getMessage();
        }
    }

    private interface ThrowingSupplier {
        JsonNode get() throws InvalidEventException;
    }
}
