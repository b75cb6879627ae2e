package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.support.retry.RetryPolicy;
import org.junit.jupiter.api.Test;

class SinkSettingsTest {
    @Test
    void shouldHaveTheDocumentedDefaults() {
        SinkSettings settings = SinkSettings.defaults();

        assertThat(settings.groupId()).isEqualTo("agentlog-sink");
        assertThat(settings.schema()).isEqualTo("agentlog");
        assertThat(settings.batchMaxEvents()).isEqualTo(2000);
        assertThat(settings.batchMaxWaitMs()).isEqualTo(50);
        assertThat(settings.retryMaxAttempts()).isZero();
        assertThat(settings.retryPolicy()).isEqualTo(RetryPolicy.forever(200, 10_000));
    }

    @Test
    void shouldNameEveryBadSettingAtOnce() {
        assertThatThrownBy(() -> new SinkSettings(" ", "Agent-Log", 0, -1, -1, 0, -5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groupId must not be empty")
                .hasMessageContaining("schema must be a lower-case PostgreSQL identifier")
                .hasMessageContaining("batchMaxEvents must be between 1 and 100000, was 0")
                .hasMessageContaining("batchMaxWaitMs must be >= 0, was -1")
                .hasMessageContaining("retryMaxAttempts must be >= 0 (0: no bound), was -1")
                .hasMessageContaining("retryBackoffMs must be >= 1, was 0");
    }
}
