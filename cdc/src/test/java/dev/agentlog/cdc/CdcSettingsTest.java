package dev.agentlog.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CdcSettingsTest {
    static final String URL = "jdbc:postgresql://db:5432/letta";

    @Test
    void shouldNameEveryBadOptionAtOnce() {
        assertThatThrownBy(() -> new CdcSettings("mysql://db/letta", null, null, "Public", "Agent-Log", "agentlog",
                null, null, null, null, 0, -1, -1, List.of(), false, List.of("providers.api_key", "messages.content"),
                -1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--source-pg-url must look like jdbc:postgresql://host:port/database")
                .hasMessageContaining("--schema must be")
                .hasMessageContaining("--slot-name must be 1..63 of [a-z0-9_], was 'Agent-Log'")
                .hasMessageContaining("--poll-interval-ms must be 1..60000, was 0")
                .hasMessageContaining("--offset-flush-interval-ms must be >= 0, was -1")
                .hasMessageContaining("--heartbeat-interval-ms must be >= 0, was -1")
                .hasMessageContaining("--capture-sensitive: 'messages.content' is not one of the exclusions")
                .hasMessageNotContaining("'providers.api_key' is not")
                .hasMessageContaining("--wal-warn-bytes must be >= 0, was -1")
                .hasMessageContaining("--wal-report-interval-ms must be >= 0, was -1");
    }

    @Test
    void shouldRequireTheSourceUrl() {
        assertThatThrownBy(() -> CdcSettings.defaults(null)).hasMessageContaining("--source-pg-url is required");
    }

    @Test
    void shouldNeverPutAPasswordOfTheUrlInAnError() {
        assertThatThrownBy(() -> CdcSettings.defaults("jdbc:postgresql://ada:s3cr3t@db,db2/letta?password=s3cr3t"))
                .hasMessageContaining("--source-pg-url").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void shouldNameTheSourceAfterTheDatabaseAndKeepOffsetsBesideIt() {
        CdcSettings settings = CdcSettings.defaults(URL).withCredentials("cdc", "pw");

        assertThat(settings.database()).isEqualTo("letta");
        assertThat(settings.schema()).isEqualTo("public");
        assertThat(settings.pollIntervalMs()).isEqualTo(50);
        assertThat(settings.effectiveOffsetPgUrl()).isEqualTo(URL);
        assertThat(settings.effectiveOffsetUser()).isEqualTo("cdc");
        assertThat(settings.effectiveOffsetTable()).isEqualTo("agentlog_cdc_offsets_agentlog");
        assertThat(settings.toString()).doesNotContain("pw").contains("db:5432/letta");
    }
}
