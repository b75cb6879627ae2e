package dev.agentlog.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessorSettingsTest {
    private final ProcessorSettings defaults = ProcessorSettings.defaults(Path.of(".agentlog"));

    @Test
    void shouldUseTheDocumentedDefaults() {
        assertThat(defaults.applicationId()).isEqualTo("agentlog-processor");
        assertThat(defaults.stateDir()).isEqualTo(Path.of(".agentlog", "processor"));
        assertThat(defaults.dedupeRetentionMs()).isEqualTo(Duration.ofDays(7).toMillis());
        assertThat(defaults.gapTimeoutMs()).isEqualTo(30_000);
        assertThat(defaults.replicationFactor()).isEqualTo(1);
        assertThat(defaults.numStandbyReplicas()).isZero();
        assertThat(defaults.commitIntervalMs()).isEqualTo(100);
    }

    @Test
    void shouldNameTheComponentWhenGapTimeoutIsBelowOne() {
        assertThatThrownBy(() -> defaults.withGapTimeoutMs(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gapTimeoutMs must be >= 1, was 0");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> new ProcessorSettings("bad id!", null, 0, 1, 0, -1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("applicationId must consist of")
                .hasMessageContaining("stateDir must be set")
                .hasMessageContaining("dedupeRetentionMs must be >= 1, was 0")
                .hasMessageContaining("replicationFactor must be >= 1, was 0")
                .hasMessageContaining("numStandbyReplicas must be >= 0, was -1")
                .hasMessageContaining("commitIntervalMs must be >= 1, was 0");
    }
}
