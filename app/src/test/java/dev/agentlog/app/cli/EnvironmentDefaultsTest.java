package dev.agentlog.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class EnvironmentDefaultsTest {
    @Command(name = "probe")
    static class Probe implements Runnable {
        @Mixin
        KafkaOptions kafka = new KafkaOptions();

        @Override
        public void run() {}
    }

    private static Probe parse(Map<String, String> env, String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).setDefaultValueProvider(new EnvironmentDefaults(env)).parseArgs(args);
        return probe;
    }

    @Test
    void shouldNameTheVariableAfterTheLongOption() {
        assertThat(EnvironmentDefaults.variableFor("--pg-url")).isEqualTo("AGENTLOG_PG_URL");
        assertThat(EnvironmentDefaults.variableFor("--bootstrap-servers")).isEqualTo("AGENTLOG_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldTakeAnOptionFromTheEnvironmentWhenNotOnTheCommandLine() {
        Probe probe = parse(Map.of("AGENTLOG_BOOTSTRAP_SERVERS", "k1:9092", "AGENTLOG_PARTITIONS", "24"));

        assertThat(probe.kafka.bootstrapServers).isEqualTo("k1:9092");
        assertThat(probe.kafka.partitions).isEqualTo(24);
    }

    @Test
    void shouldPreferTheCommandLineOverTheEnvironment() {
        Probe probe = parse(Map.of("AGENTLOG_PARTITIONS", "24"), "--partitions", "6");

        assertThat(probe.kafka.partitions).isEqualTo(6);
    }

    @Test
    void shouldFallBackToTheBuiltInDefault() {
        Probe probe = parse(Map.of());

        assertThat(probe.kafka.partitions).isEqualTo(12);
        assertThat(probe.kafka.topicPrefix).isEqualTo("agentlog");
        assertThat(probe.kafka.bootstrapServers).isNull();
    }
}
