package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SinkSettingsTest {
    @Test
    void shouldHaveTheDocumentedDefaults() {
        SinkSettings settings = SinkSettings.defaults();

        assertThat(settings.groupId()).isEqualTo("agentlog-sink");
        assertThat(settings.schema()).isEqualTo("agentlog");
        assertThat(settings.batchMaxEvents()).isEqualTo(2000);
        assertThat(settings.batchMaxWaitMs()).isEqualTo(50);
        assertThat(settings.retryMaxAttempts()).isEqualTo(10);
    }

    @Test
    void shouldNameEveryBadSettingAtOnce() {
        assertThatThrownBy(() -> new SinkSettings(" ", "Agent-Log", 0, -1, 0, 0, -5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groupId must not be empty")
                .hasMessageContaining("schema must be a lower-case PostgreSQL identifier")
                .hasMessageContaining("batchMaxEvents must be between 1 and 100000, was 0")
                .hasMessageContaining("batchMaxWaitMs must be >= 0, was -1")
                .hasMessageContaining("retryMaxAttempts must be >= 1, was 0")
                .hasMessageContaining("retryBackoffMs must be >= 1, was 0");
    }
}
