package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Letta's shapes of a message's content, tool calls and tool returns (issue 19: each of these was accepted). */
class MessageShapesTest {
    private final EventCodec codec = EventCodec.standard();

    private List<String> violationsOf(String payloadFields) {
        try {
            codec.decode(message(payloadFields));
        } catch (InvalidEventException e) {
            return e.violations().stream().map(Violation::toString).toList();
        }
        return List.of();
    }

    private static byte[] message(String payloadFields) {
        ObjectNode json = SampleEvents.event(EventType.MESSAGE_CREATED,
                "{\"message_id\":\"message-1\",\"role\":\"assistant\"" + (payloadFields.isEmpty() ? "" : "," + payloadFields) + "}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[null]                          | payload.content[0]: must be an object with a string type (a content part), was null",
        "[[[]]]                          | payload.content[0]: must be an object with a string type (a content part), was array",
        "[\"hi\"]                        | payload.content[0]: must be an object with a string type (a content part), was string",
        "[{\"type\": 3}]                 | payload.content[0].type: must be a string, was number",
        "[{\"text\": \"hi\"}]            | payload.content[0].type: is required",
        "[{\"type\":\"text\",\"text\":5}] | payload.content[0].text: must be a string, was number",
        "[{\"type\":\"text\"}]           | payload.content[0].text: is required in a text part",
        "[{\"type\":\"text\",\"text\":null}] | payload.content[0].text: is required in a text part",
        "[{\"type\":\"image\"}]          | payload.content[0].source: is required in a image part",
        "[{\"type\":\"image\",\"source\":{\"type\":\"url\"}}] | payload.content[0].source.url: is required in a url image source",
        "[{\"type\":\"image\",\"source\":\"http://x\"}] | payload.content[0].source: must be an object with a string type (url, base64 or letta), was string",
        "[{\"type\":\"tool_call\",\"id\":\"c\",\"name\":\"f\",\"input\":\"{}\"}] | payload.content[0].input: must be a JSON object, was string",
        "[{\"type\":\"tool_return\",\"tool_call_id\":\"c\",\"content\":\"ok\",\"is_error\":\"no\"}] | payload.content[0].is_error: must be true or false, was string",
        "[{\"type\":\"reasoning\",\"reasoning\":[\"a\"]}] | payload.content[0].reasoning: must be a string, was array",
        "[{\"type\":\"redacted_reasoning\"}] | payload.content[0].data: is required in a redacted_reasoning part",
        "[{\"type\":\"summarized_reasoning\",\"id\":\"r\",\"summary\":[{\"index\":0,\"text\":1}]}] | payload.content[0].summary[0].text: must be a string, was number",
        "{\"type\":\"text\",\"text\":\"hi\"} | payload.content: must be a JSON array",
    })
    void shouldRefuseContentThatIsNotLettasShapeNamingThePart(String content, String violation) {
        assertThat(violationsOf("\"content\":" + content)).containsExactly(violation);
    }

    @Test
    void shouldNameEveryBadPartAtOnce() {
        assertThat(violationsOf("\"content\":[{\"type\":\"text\",\"text\":\"ok\"},null,{\"type\":\"text\",\"text\":5}]"))
                .containsExactly("payload.content[1]: must be an object with a string type (a content part), was null",
                        "payload.content[2].text: must be a string, was number");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[{\"type\":\"text\",\"text\":\"hi\",\"signature\":null}]",
        "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBO\"}}]",
        "[{\"type\":\"image\",\"source\":{\"type\":\"letta\",\"file_id\":\"file-1\",\"data\":null}}]",
        "[{\"type\":\"tool_call\",\"id\":\"call-1\",\"name\":\"send_message\",\"input\":{\"message\":\"hi\"}}]",
        "[{\"type\":\"tool_return\",\"tool_call_id\":\"call-1\",\"content\":\"None\",\"is_error\":false}]",
        "[{\"type\":\"reasoning\",\"is_native\":true,\"reasoning\":\"think\",\"signature\":\"sig\"}]",
        "[{\"type\":\"redacted_reasoning\",\"data\":\"xx\"}]",
        "[{\"type\":\"omitted_reasoning\"}]",
        "[{\"type\":\"summarized_reasoning\",\"id\":\"rs_1\",\"summary\":[{\"index\":0,\"text\":\"t\"}],\"encrypted_content\":null}]",
        "[{\"type\":\"audio\",\"anything\":[1,{\"deep\":null}]}]",
        "[]",
    })
    void shouldTakeEveryPartLettaWritesAndKeepUnknownPartTypesThatAreObjectsWithAStringType(String content) throws Exception {
        Event event = codec.decode(message("\"content\":" + content));

        assertThat(((MessageCreated) event.payload()).content()).isEqualTo(EventCodec.JSON.readTree(content));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"tool_calls\":[null]                                   | payload.tool_calls[0]: must be an object (a tool call with id, type and function), was null",
        "\"tool_calls\":[{\"id\":1}]                             | payload.tool_calls[0].id: must be a string, was number",
        "\"tool_calls\":[{\"id\":\"c\",\"function\":\"f\"}]      | payload.tool_calls[0].function: must be an object with name and arguments, was string",
        "\"tool_calls\":[{\"function\":{\"arguments\":{}}}]      | payload.tool_calls[0].function.arguments: must be a string, was object",
        "\"tool_returns\":\"ok\"                                 | payload.tool_returns: must be a JSON array of tool returns, was string",
        "\"tool_returns\":[[]]                                   | payload.tool_returns[0]: must be an object (a tool return with status), was array",
        "\"tool_returns\":[{\"status\":true}]                    | payload.tool_returns[0].status: must be a string, was boolean",
    })
    void shouldRefuseToolCallsAndReturnsThatAreNotLettasShape(String field, String violation) {
        assertThat(violationsOf(field)).containsExactly(violation);
    }

    @Test
    void shouldCheckTheSameShapesInAMessageUpdateAndLetNullClearAField() throws Exception {
        ObjectNode bad = SampleEvents.event(EventType.MESSAGE_UPDATED, "{\"message_id\":\"m\",\"content\":[{\"type\":3}]}");
        ObjectNode cleared = SampleEvents.event(EventType.MESSAGE_UPDATED, "{\"message_id\":\"m\",\"tool_returns\":null}");

        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(InvalidEventException.class,
                () -> codec.decode(bad.toString().getBytes(StandardCharsets.UTF_8))).violations())
                .extracting(Violation::toString).containsExactly("payload.content[0].type: must be a string, was number");
        assertThat(((MessageUpdated) codec.decode(cleared.toString().getBytes(StandardCharsets.UTF_8)).payload()).cleared())
                .containsExactly("tool_returns");
    }
}
