package dev.agentlog.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
}
