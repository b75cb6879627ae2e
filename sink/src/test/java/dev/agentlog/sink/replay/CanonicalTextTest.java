package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalTextTest {
    @Test
    void shouldPrintJsonAlikeWhatPostgresStoresAlike() throws Exception {
        String sent = CanonicalText.value(EventCodec.JSON.readTree("{\"b\":1.50,\"a\":[1e2,\"x\"]}"));
        String stored = CanonicalText.value(EventCodec.JSON.readTree("{\"a\": [100, \"x\"], \"b\": 1.5}"));

        assertThat(sent).isEqualTo(stored).isEqualTo("{\"a\":[1E+2,\"x\"],\"b\":1.5}");
    }

    @Test
    void shouldTellNullFromTheTextNull() {
        assertThat(CanonicalText.row(new Object[] {null, "\\N", Instant.parse("2026-11-24T10:00:00Z"), 3}))
                .isEqualTo("\\N\u001f\"\\\\N\"\u001f2026-11-24T10:00:00Z\u001f3");
    }

    @Test
    void shouldChecksumRowsWhateverTheirOrder() {
        byte[] a = CanonicalText.md5("a");
        byte[] b = CanonicalText.md5("b");

        assertThat(CanonicalText.checksum(List.of(a, b))).isEqualTo(CanonicalText.checksum(List.of(b, a)))
                .isNotEqualTo(CanonicalText.checksum(List.of(a, a)));
    }
}
