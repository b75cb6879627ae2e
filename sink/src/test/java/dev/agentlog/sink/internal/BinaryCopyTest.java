package dev.agentlog.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.ColumnType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BinaryCopyTest {
    private static final int HEADER = 19;

    @Test
    void shouldWriteTextAsItsUtf8BytesWithTheirLength() {
        for (String text : new String[] {"", "agent-1", "h\u00e9llo", "\u6f22\u5b57", "emoji \uD83D\uDE00", "a\uD800b", "x".repeat(5000)}) {
            BinaryCopy copy = new BinaryCopy(0);
            copy.text(text);
            byte[] field = Arrays.copyOfRange(copy.bytesSoFar(), HEADER, copy.bytesSoFar().length);

            byte[] expected = text.getBytes(StandardCharsets.UTF_8);
            assertThat(ByteBuffer.wrap(field).getInt()).as(text).isEqualTo(expected.length);
            assertThat(Arrays.copyOfRange(field, 4, field.length)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void shouldCopyAJsonbValueAsItsTextCameWhenItIsLocated() throws Exception {
        byte[] record = ("{\"event_id\": \"e-1\", \"payload\": {\"content\": [ 1 ,\"\\u00e9\" ]}}")
                .getBytes(StandardCharsets.UTF_8);
        JsonNode content = LocatedValue.parse(record).tree().get("payload").get("content");
        JsonNode other = EventCodec.JSON.readTree("[ 1 ,\"\\u00e9\" ]");

        assertThat(jsonbField(content)).isEqualTo("[ 1 ,\"\\u00e9\" ]"); // as it came
        assertThat(jsonbField(other)).isEqualTo("[1,\"\u00e9\"]"); // an equal tree, not located: written
    }

    private static String jsonbField(JsonNode value) {
        BinaryCopy copy = new BinaryCopy(0);
        copy.value(ColumnType.JSONB, value);
        byte[] field = Arrays.copyOfRange(copy.bytesSoFar(), HEADER, copy.bytesSoFar().length);
        assertThat(ByteBuffer.wrap(field).getInt()).isEqualTo(field.length - 4);
        assertThat(field[4]).as("jsonb version").isEqualTo((byte) 1);
        return new String(field, 5, field.length - 5, StandardCharsets.UTF_8);
    }
}
