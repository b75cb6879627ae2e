package dev.agentlog.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.ingest.internal.RequestTargets;
import dev.agentlog.ingest.internal.RequestTargets.BadTargetException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTargetsTest {
    @Test
    void shouldDecodePercentEscapesAsUtf8AndKeepPlusSigns() throws Exception {
        assertThat(RequestTargets.path("/v1/agents/caf%C3%A9%20x")).isEqualTo("/v1/agents/café x");
        assertThat(RequestTargets.query("at=2026-01-31T12:00:00+02:00&a=1&a=%32&flag"))
                .isEqualTo(Map.of("at", List.of("2026-01-31T12:00:00+02:00"), "a", List.of("1", "2"), "flag", List.of("")));
    }

    @Test
    void shouldRefuseWhatNoStringOfOursMayHoldNamingThePart() {
        assertThatThrownBy(() -> RequestTargets.path("/a%00")).isInstanceOf(BadTargetException.class)
                .hasMessage("the path must not contain control characters, found U+0000 at character 2");
        assertThatThrownBy(() -> RequestTargets.path("/a%7F")).hasMessageContaining("found U+007F");
        assertThatThrownBy(() -> RequestTargets.path("/a%C3")).hasMessage("the path is not valid UTF-8 once its percent "
                + "escapes are decoded");
        assertThatThrownBy(() -> RequestTargets.path("/a%ED%B0%80")).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> RequestTargets.path("/a%4")).hasMessage("the path has a '%' not followed by two hex "
                + "digits at character 2: write a literal % as %25");
        assertThatThrownBy(() -> RequestTargets.query("at=x&limit=%0D%0A")).hasMessage("the query parameter 'limit' must "
                + "not contain control characters, found U+000D at character 0");
        assertThatThrownBy(() -> RequestTargets.path("/caf\u00e9")).hasMessage("the path must be ASCII without control "
                + "characters, found U+00E9 at character 4: percent-encode it as UTF-8");
    }
}
