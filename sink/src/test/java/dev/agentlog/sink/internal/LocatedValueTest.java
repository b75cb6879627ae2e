package dev.agentlog.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Base64TextNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Sealing;
import dev.agentlog.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sink's own parse of a record value, which remembers where the payload and its values lie in the bytes. */
class LocatedValueTest {
    @Test
    void shouldLocateThePayloadTextAndParseTheSameTree() throws Exception {
        String payload = "{ \"message_id\": \"m-1\", \"content\": [{\"type\": \"text\", \"text\": \"h\u00e9 \\\" }\"}],"
                + " \"n\": 1.50 }";
        byte[] value = ("  {\"event_id\": \"e-1\", \"schema_version\": 2, \"stream_seq\": 12345678901, \"actor\": null,"
                + " \"big\": 123456789012345678901234567890, \"f\": 1.50, \"t\": true, \"o\": {\"a\": [1, false]},"
                + " \"payload\" : " + payload + ", \"type\": \"message.created\"} ")
                .getBytes(StandardCharsets.UTF_8);

        LocatedValue located = LocatedValue.parse(value);

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

        LocatedValue located = LocatedValue.parse(value);

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
    void shouldForgetWhereAPayloadsValuesCameFromWhenItIsUpcast() {
        String payload = "{\"message_id\": \"m-1\", \"role\": \"user\", \"text\": \"hi\", \"tool_calls\": [ ]}";
        byte[] v1 = ("{\"event_id\": \"e-1\", \"type\": \"message.created\", \"schema_version\": 1,"
                + " \"stream_id\": \"agent-1\", \"occurred_at\": \"2026-12-04T10:00:00Z\", \"payload\": " + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] v2 = new String(v1, StandardCharsets.UTF_8).replace("\"schema_version\": 1", "\"schema_version\": 2")
                .replace("\"text\": \"hi\", ", "").getBytes(StandardCharsets.UTF_8);

        DecodedRecord old = DecodedRecord.decode(record(v1), EventCodec.standard());
        DecodedRecord current = DecodedRecord.decode(record(v2), EventCodec.standard());

        assertThat(old.value()).as("an upcast payload is written from the event").isNull();
        assertThat(new String(old.payloadJson(), StandardCharsets.UTF_8)).contains("\"content\":[{\"type\":\"text\"");
        assertThat(current.value()).isNotNull();
        assertThat(((LocatedJson) current.value().tree().get("payload").get("tool_calls")).location()).isNotNull();
    }

    @Test
    void shouldRefuseWhatParseRefusesWhenLocatingThePayload() {
        for (String bad : new String[] {"", "{\"a\": 1} {}", "{\"a\": ", "[1]", "{\"payload\": {}} x"}) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            String expected = messageOf(() -> EventCodec.parse(bytes));
            String actual = messageOf(() -> LocatedValue.parse(bytes).tree());
            assertThat(actual).as(bad).isEqualTo(expected);
        }
    }

    @Test
    void shouldLocateTheValuesOfAnOpenedPayloadInItsPlaintext() throws Exception {
        String content = "[{\"type\": \"text\", \"text\": \"h\u00e9 \\\" ] }\"}]";
        byte[] plaintext = ("{\"message_id\": \"m-1\", \"content\" : " + content + ", \"n\": 1.50, \"empty\": {}}")
                .getBytes(StandardCharsets.UTF_8);

        JsonNode payload = LocatedValue.parsePayload(plaintext);

        assertThat(payload).isEqualTo(EventCodec.parse(plaintext));
        LocatedJson.Location text = ((LocatedJson) payload.get("content")).location();
        assertThat(new String(text.source(), text.start(), text.length(), StandardCharsets.UTF_8)).isEqualTo(content);
        assertThat(((LocatedJson) payload.get("empty")).location().length()).isEqualTo(2);
    }

    @Test
    void shouldRefuseWhatParseRefusesInAnOpenedPayload() {
        String deep = "{\"a\": " + "[".repeat(EventCodec.MAX_NESTING_DEPTH + 1) + "]".repeat(EventCodec.MAX_NESTING_DEPTH + 1)
                + "}";
        for (String bad : new String[] {"", "{\"a\": 1} {}", "{\"a\": ", "[1]", "\"text\"", "{\"a\": 1} x", deep}) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            String expected = messageOf(() -> EventCodec.parse(bytes));
            String actual = messageOf(() -> LocatedValue.parsePayload(bytes));
            assertThat(actual).as(bad).isEqualTo(expected);
        }
    }

    @Test
    void shouldDecodeASealedPayloadsCiphertextFromTheRecordsBytes() throws Exception {
        byte[] ciphertext = new byte[301];
        new java.util.Random(7).nextBytes(ciphertext);
        String base64 = Base64.getEncoder().encodeToString(ciphertext);
        byte[] value = ("{\"event_id\": \"e-1\", \"payload\": {\"message_id\": \"m-1\", \"" + Sealing.FIELD
                + "\": {\"v\": 1, \"subject\": \"agent-1\", \"ct\" : \"" + base64 + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);

        LocatedValue located = LocatedValue.parse(value);

        JsonNode ct = located.tree().get("payload").get(Sealing.FIELD).get("ct");
        assertThat(ct).isInstanceOf(Base64TextNode.class);
        assertThat(ct.textValue()).isEqualTo(base64);
        assertThat(Sealing.ciphertext(ct)).isEqualTo(ciphertext);
        assertThat(located.tree()).isEqualTo(EventCodec.parse(value));
    }

    @Test
    void shouldReadACiphertextWithAnEscapeOrNotBase64AsTheParserDoes() throws Exception {
        for (String ct : new String[] {"\\u0041QID", "AQID\\/", "not base64!", "h\u00e9"}) {
            byte[] value = ("{\"payload\": {\"" + Sealing.FIELD + "\": {\"v\": 1, \"ct\": \"" + ct + "\", \"subject\": \"s\"}}}")
                    .getBytes(StandardCharsets.UTF_8);

            LocatedValue located = LocatedValue.parse(value);

            JsonNode node = located.tree().get("payload").get(Sealing.FIELD).get("ct");
            assertThat(located.tree()).as(ct).isEqualTo(EventCodec.parse(value));
            assertThat(node).as(ct).isNotInstanceOf(Base64TextNode.class);
        }
    }

    @Test
    void shouldLeaveTheContractsSharedMapperWithPlainNodes() throws Exception {
        JsonNode shared = EventCodec.JSON.readTree("{\"payload\": {\"content\": [1]}}");

        assertThat(shared.get("payload").get("content")).isNotInstanceOf(LocatedJson.class);
    }

    private static SinkRecord record(byte[] value) {
        return new SinkRecord("agentlog.events", 0, 0, "agent-1".getBytes(StandardCharsets.UTF_8), value);
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
