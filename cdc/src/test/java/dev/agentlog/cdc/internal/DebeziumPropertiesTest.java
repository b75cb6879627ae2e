package dev.agentlog.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.cdc.CdcSettings;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumPropertiesTest {
    @Test
    void shouldReadTheSourceWithPgoutputItsOwnSlotAndStoreThePositionInPostgres() {
        CdcSettings settings = CdcSettings.defaults("jdbc:postgresql://db.example:6543/letta?sslmode=require&user=cdc&password=pw")
                .withSchema("letta").withSlot("agentlog_a", "agentlog_a_pub").withExcludeTables(List.of("jobs"));

        Properties p = DebeziumProperties.of(settings);

        assertThat(p).containsEntry("plugin.name", "pgoutput")
                .containsEntry("database.hostname", "db.example").containsEntry("database.port", "6543")
                .containsEntry("database.dbname", "letta").containsEntry("database.user", "cdc")
                .containsEntry("database.password", "pw").containsEntry("database.sslmode", "require")
                .containsEntry("slot.name", "agentlog_a").containsEntry("publication.name", "agentlog_a_pub")
                .containsEntry("schema.include.list", "letta")
                .containsEntry("table.exclude.list", "letta\\.agentlog_cdc_offsets_agentlog_a,letta\\.jobs,"
                        + "letta\\.mcp_oauth,letta\\.provider_traces")
                .containsEntry("snapshot.mode", "initial").containsEntry("poll.interval.ms", "50")
                .containsEntry("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore")
                .containsEntry("offset.storage.jdbc.connection.url", settings.sourcePgUrl())
                .containsEntry("offset.storage.jdbc.table.name", "agentlog_cdc_offsets_agentlog_a")
                .containsEntry("slot.drop.on.stop", "false")
                .doesNotContainKey("heartbeat.action.query").doesNotContainKey("message.key.columns");
        assertThat(p.getProperty("column.exclude.list").split(",")).contains("letta\\.providers\\.api_key_enc",
                "letta\\.agent_environment_variables\\.value", "letta\\.mcp_server\\.stdio_config").hasSize(13);
    }

    @Test
    void shouldCaptureWhatIsNamedBackAndWriteTheHeartbeatAndKeyKeylessTables() {
        CdcSettings settings = CdcSettings.defaults("jdbc:postgresql://db:5432/letta")
                .withCaptureSensitive(List.of("provider_traces", "providers.api_key_enc"));

        Properties p = DebeziumProperties.of(settings, "INSERT INTO beat", Map.of("agents_tags", List.of("agent_id", "tag"),
                "tools_agents", List.of("agent_id", "tool_id")));

        assertThat(p.getProperty("table.exclude.list")).doesNotContain("provider_traces").contains("mcp_oauth");
        assertThat(p.getProperty("column.exclude.list")).doesNotContain("api_key_enc").contains("access_key_enc");
        assertThat(p).containsEntry("heartbeat.action.query", "INSERT INTO beat")
                .containsEntry("message.key.columns", "public.agents_tags:agent_id,tag;public.tools_agents:agent_id,tool_id");
    }
}
