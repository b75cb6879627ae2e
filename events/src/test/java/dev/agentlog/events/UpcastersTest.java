package dev.agentlog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpcastersTest {
    private final EventCodec codec = EventCodec.standard();

    private Event decodeV1Message(String payload) throws InvalidEventException {
        ObjectNode json = SampleEvents.event(EventType.MESSAGE_CREATED, payload);
        json.put("schema_version", 1);
        return codec.decode(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldUpcastLegacyMessageTextIntoAContentPart() throws Exception {
        Event event = decodeV1Message("{\"message_id\":\"message-1\",\"role\":\"user\",\"text\":\"hello\"}");

        assertThat(event.schemaVersion()).isEqualTo(2);
        MessageCreated message = (MessageCreated) event.payload();
        assertThat(message.content().toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"hello\"}]");
        assertThat(message.unknown()).doesNotContainKey("text");
    }

    @Test
    void shouldKeepLegacyTextAsUnknownFieldWhenContentIsPresent() throws Exception {
        Event event = decodeV1Message(
                "{\"message_id\":\"m\",\"role\":\"user\",\"text\":\"old\",\"content\":[{\"type\":\"text\",\"text\":\"new\"}]}");

        MessageCreated message = (MessageCreated) event.payload();
        assertThat(message.content().get(0).get("text").asText()).isEqualTo("new");
        assertThat(message.unknown().get("text").asText()).isEqualTo("old");
    }

    @Test
    void shouldPassAContractVersionOneMessageThroughUnchanged() throws Exception {
        Event event = decodeV1Message("{\"message_id\":\"m\",\"role\":\"user\",\"content\":[]}");

        assertThat(event.schemaVersion()).isEqualTo(2);
        assertThat(((MessageCreated) event.payload()).content().size()).isZero();
    }

    @Test
    void shouldRefuseToRegisterAnUpcasterPastTheCurrentVersion() {
        assertThatThrownBy(() -> new Upcasters().register(EventType.AGENT_CREATED, 1, p -> p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agent.created has no version 2");
    }

    @Test
    void shouldRefuseAnOldVersionWhoseUpcasterIsMissing() {
        ObjectNode json = SampleEvents.event(EventType.MESSAGE_CREATED, "{\"message_id\":\"m\",\"role\":\"user\"}");
        json.put("schema_version", 1);
        EventCodec bare = new EventCodec(new Upcasters());

        assertThatThrownBy(() -> bare.decode(json.toString().getBytes(StandardCharsets.UTF_8)))
                .hasMessage("schema_version: no upcaster from version 1 of message.created");
    }
}
