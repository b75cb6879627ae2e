package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RebuildSettingsTest {
    @Test
    void shouldReportEveryBadSettingAtOnce() {
        assertThatThrownBy(() -> new RebuildSettings("Bad-Name", " ", 0, 0, 0, false, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("liveSchema").hasMessageContaining("groupId").hasMessageContaining("batchMaxEvents")
                .hasMessageContaining("lockTimeoutMs").hasMessageContaining("workers").hasMessageContaining("swapAttempts");
    }

    @Test
    void shouldRefuseALiveSchemaTooLongForTheOldSchemasName() {
        assertThatThrownBy(() -> RebuildSettings.defaults().withLiveSchema("s".repeat(44)))
                .hasMessageContaining("liveSchema must have at most 43 characters");
    }

    @Test
    void shouldNameTheShadowAndOldSchemasAfterTheLiveOne() {
        assertThat(RebuildSettings.defaults().shadowSchema()).isEqualTo("agentlog_rebuild");
        assertThat(OldSchemas.nameFor("agentlog", Instant.parse("2026-11-24T10:15:30Z")))
                .isEqualTo("agentlog_old_20261124_101530");
        assertThat(OldSchemas.isLeftOver("agentlog", "agentlog_old_20261124_101530")).isTrue();
        assertThat(OldSchemas.isLeftOver("agentlog", "agentlog_rebuild")).isTrue();
        assertThat(OldSchemas.isLeftOver("agentlog", "agentlog")).isFalse();
        assertThat(OldSchemas.isLeftOver("agentlog", "other_old_20261124_101530")).isFalse();
    }

    @Test
    void shouldDrawABarAndALine() {
        RebuildProgress half = new RebuildProgress(RebuildProgress.Phase.REPLAYING, 500, 1000, 480, 1_000_000_000L);

        assertThat(ProgressText.bar(half, 10)).startsWith("[====>     ]  50%  500 / 1,000 records  500/s  0:01 left");
        assertThat(ProgressText.line(half))
                .isEqualTo("rebuild replaying: 500 of about 1000 records (50%), 500 records/s, about 1 s left");
    }
}
