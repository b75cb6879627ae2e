package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventValidationTest {
    private final EventCodec codec = EventCodec.standard();

    private List<String> violationsOf(Consumer<ObjectNode> breakIt) {
        ObjectNode json = SampleEvents.event(EventType.MESSAGE_CREATED, SampleEvents.payloads().get(EventType.MESSAGE_CREATED));
        breakIt.accept(json);
        try {
            codec.decode(json.toString().getBytes(StandardCharsets.UTF_8));
        } catch (InvalidEventException e) {
            return e.violations().stream().map(Violation::toString).toList();
        }
        throw new AssertionError("expected the event to be refused: " + json);
    }

    @Test
    void shouldRefuseAnEmptyStreamId() {
        assertThat(violationsOf(j -> j.put("stream_id", ""))).containsExactly("stream_id: must not be empty");
    }

    @Test
    void shouldRefuseAStreamIdLongerThan256Chars() {
        assertThat(violationsOf(j -> j.put("stream_id", "a".repeat(257))))
                .containsExactly("stream_id: must be at most 256 characters, was 257");
    }

    @Test
    void shouldRefuseAMissingOrTooLongEventId() {
        assertThat(violationsOf(j -> j.remove("event_id"))).containsExactly("event_id: is required");
        assertThat(violationsOf(j -> j.put("event_id", "x".repeat(129))))
                .containsExactly("event_id: must be at most 128 characters, was 129");
    }

    @Test
    void shouldRefuseAnUnknownType() {
        assertThat(violationsOf(j -> j.put("type", "agent.exploded")))
                .containsExactly("type: unknown event type 'agent.exploded'");
    }

    @Test
    void shouldRefuseASchemaVersionBelowOneOrNewerThanKnown() {
        assertThat(violationsOf(j -> j.put("schema_version", 0))).containsExactly("schema_version: must be >= 1, was 0");
        assertThat(violationsOf(j -> j.put("schema_version", 3)))
                .containsExactly("schema_version: 3 is newer than the newest known for message.created (2)");
    }

    @Test
    void shouldRefuseAStreamSeqBelowOne() {
        assertThat(violationsOf(j -> j.put("stream_seq", 0))).containsExactly("stream_seq: must be >= 1, was 0");
        assertThat(violationsOf(j -> j.put("stream_seq", "1"))).containsExactly("stream_seq: must be an integer");
    }

    @Test
    void shouldRefuseATimestampWithoutOffset() {
        assertThat(violationsOf(j -> j.put("occurred_at", "2026-11-24T10:00:00")))
                .containsExactly("occurred_at: must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z, was '2026-11-24T10:00:00'");
    }

    @Test
    void shouldRefuseAMissingOrNonObjectPayload() {
        assertThat(violationsOf(j -> j.remove("payload"))).containsExactly("payload: is required");
        assertThat(violationsOf(j -> j.put("payload", "text"))).containsExactly("payload: must be a JSON object");
    }

    @Test
    void shouldRefuseUnknownEnvelopeFields() {
        assertThat(violationsOf(j -> j.put("stream", "agent-1")))
                .containsExactly("stream: is not an envelope field (payload fields go inside payload)");
    }

    @Test
    void shouldNamePayloadFieldsAndReportEveryViolationAtOnce() {
        assertThat(violationsOf(j -> {
            ((ObjectNode) j.get("payload")).remove("message_id");
            ((ObjectNode) j.get("payload")).put("role", "robot");
            ((ObjectNode) j.get("payload")).put("content", "plain text");
            j.put("stream_id", "");
        })).containsExactlyInAnyOrder(
                "stream_id: must not be empty",
                "payload.message_id: is required",
                "payload.role: must be one of approval, assistant, function, summary, system, tool, user, was 'robot'",
                "payload.content: must be a JSON array");
    }

    @Test
    void shouldRefuseWrongTypesOfPayloadFields() {
        ObjectNode json = SampleEvents.event(EventType.BLOCK_UPDATED, "{\"version\":\"2\",\"read_only\":1,\"value\":7}");
        assertThatThrownBy(() -> codec.decode(json.toString().getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("payload.version: must be an integer")
                .hasMessageContaining("payload.read_only: must be true or false")
                .hasMessageContaining("payload.value: must be a string");
    }

    @Test
    void shouldRefuseAContextWithoutMessageIds() {
        ObjectNode json = SampleEvents.event(EventType.CONTEXT_UPDATED, "{\"message_ids\":[\"m\",3]}");
        assertThatThrownBy(() -> codec.decode(json.toString().getBytes(StandardCharsets.UTF_8)))
                .hasMessage("payload.message_ids: must be an array of strings");
        ObjectNode missing = SampleEvents.event(EventType.CONTEXT_UPDATED, "{}");
        assertThatThrownBy(() -> codec.decode(missing.toString().getBytes(StandardCharsets.UTF_8)))
                .hasMessage("payload.message_ids: is required");
    }

    @Test
    void shouldRefuseMalformedJsonWithTheParserReason() {
        assertThatThrownBy(() -> codec.decode("{\"event_id\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("$: is not valid JSON");
        assertThatThrownBy(() -> codec.decode("{} {}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("$: is not valid JSON");
        assertThatThrownBy(() -> codec.decode("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("$: must be a JSON object, was array");
    }
}
