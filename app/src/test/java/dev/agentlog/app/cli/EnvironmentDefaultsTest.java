package dev.agentlog.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.settings.ParsedCommand;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class EnvironmentDefaultsTest {
    @Command(name = "probe")
    static class Probe implements Runnable {
        final KafkaOptions kafka = new KafkaOptions();

        @Override
        public void run() {}
    }

    private static Probe parse(Map<String, String> env, String... args) {
        return ParsedCommand.resolve(new Probe(), env, args);
    }

    @Test
    void shouldNameTheVariableAfterTheLongOption() {
        assertThat(EnvironmentDefaults.variableFor("--pg-url")).isEqualTo("AGENTLOG_PG_URL");
        assertThat(EnvironmentDefaults.variableFor("--bootstrap-servers")).isEqualTo("AGENTLOG_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldTakeAnOptionFromTheEnvironmentWhenNotOnTheCommandLine() {
        Probe probe = parse(Map.of("AGENTLOG_BOOTSTRAP_SERVERS", "k1:9092", "AGENTLOG_PARTITIONS", "24"));

        assertThat(probe.kafka.bootstrapServers()).isEqualTo("k1:9092");
        assertThat(probe.kafka.partitions()).isEqualTo(24);
    }

    @Test
    void shouldPreferTheCommandLineOverTheEnvironment() {
        Probe probe = parse(Map.of("AGENTLOG_PARTITIONS", "24"), "--partitions", "6");

        assertThat(probe.kafka.partitions()).isEqualTo(6);
    }

    @Test
    void shouldFallBackToTheBuiltInDefault() {
        Probe probe = parse(Map.of());

        assertThat(probe.kafka.partitions()).isEqualTo(12);
        assertThat(probe.kafka.topics().prefix()).isEqualTo("agentlog");
        assertThat(probe.kafka.bootstrapServers()).isNull();
    }
}
