package dev.agentlog.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.Main;
import dev.agentlog.app.settings.ParsedCommand;
import dev.agentlog.app.wiring.KafkaClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** --kafka-config and --kafka-property: read, held against agentlog's guarantees, masked wherever shown. */
class KafkaOptionsTest {
    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"agentlog\""
            + " password=\"s3cr3t-pw\";";

    @Command(name = "probe")
    static class Probe implements Runnable {
        final KafkaOptions kafka = KafkaOptions.required();

        @Override
        public void run() {}
    }

    private static KafkaOptions resolve(String... args) {
        return ParsedCommand.resolve(new Probe(), Map.of(), args).kafka;
    }

    private static CliTest.Run sink(String... kafkaArgs) {
        String[] args = new String[kafkaArgs.length + 3];
        args[0] = "sink";
        args[1] = "--pg-url";
        args[2] = "jdbc:postgresql://127.0.0.1:1/x";
        System.arraycopy(kafkaArgs, 0, args, 3, kafkaArgs.length);
        return CliTest.run(Map.of(), args);
    }

    @Test
    void shouldGiveTheFilesSettingsAndThePropertiesToEveryClient(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), """
                bootstrap.servers=pkc-1.example.com:9092
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                acks=all
                session.timeout.ms=45000
                client.dns.lookup=use_all_dns_ips
                """);

        KafkaClients clients = resolve("--kafka-config", config.toString(), "--kafka-property", "sasl.mechanism=SCRAM-SHA-512",
                "--kafka-property", "sasl.jaas.config=" + JAAS).clients();

        assertThat(clients.bootstrapServers()).isEqualTo("pkc-1.example.com:9092");
        assertThat(clients.common()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("client.dns.lookup", "use_all_dns_ips").doesNotContainKey("bootstrap.servers");
        assertThat(clients.forGroupMember()).containsEntry("session.timeout.ms", 45_000);
        assertThat(clients.toString()).contains("SASL_SSL", "username=\"agentlog\"").doesNotContain("s3cr3t-pw");
    }

    @Test
    void shouldRefuseEverySettingThatWouldWeakenAGuaranteeAndSayWhy(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), """
                acks=1
                enable.idempotence=false
                isolation.level=read_uncommitted
                processing.guarantee=at_least_once
                producer.max.in.flight.requests.per.connection=10
                transactional.id=mine
                """);

        CliTest.Run run = sink("--bootstrap-servers", "k:9092", "--kafka-config", config.toString(), "--kafka-property",
                "main.consumer.enable.auto.commit=true");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("acks=1, which would weaken agentlog's guarantee: an event is acknowledged",
                "enable.idempotence=false", "isolation.level=read_uncommitted", "processing.guarantee=at_least_once",
                "producer.max.in.flight.requests.per.connection=10", "transactional.id=mine",
                "main.consumer.enable.auto.commit=true", "remove it or set all or -1");
    }

    @Test
    void shouldAcceptTheValuesAgentlogUsesItself(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"),
                "acks=all\nenable.idempotence=true\nisolation.level=read_committed\nsession.timeout.ms=45000\n");

        assertThat(resolve("--bootstrap-servers", "k:9092", "--kafka-config", config.toString()).clients().common())
                .containsEntry("acks", "all");
    }

    @Test
    void shouldSendWhatAnOptionSetsToThatOption() {
        CliTest.Run run = sink("--bootstrap-servers", "k:9092", "--kafka-property", "group.id=other",
                "--kafka-property", "session.timeout.ms=10000", "--kafka-property", "bootstrap.servers=elsewhere:9092");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("group.id=other: that is agentlog's --group-id",
                "session.timeout.ms=10000: that is agentlog's --session-timeout-ms (45000)",
                "--bootstrap-servers (k:9092) and bootstrap.servers in --kafka-config/--kafka-property (elsewhere:9092) differ");
    }

    @Test
    void shouldNeverPrintASecretOfABadSetting(@TempDir Path dir) {
        CliTest.Run run = sink("--kafka-property", "sasl.jaas.config=" + JAAS, "--kafka-property", "ssl.key.password",
                "--kafka-config", dir.resolve("missing.properties").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--kafka-config cannot be read as a Java properties file: NoSuchFileException",
                "--kafka-property must be KEY=VALUE, was ****", "--bootstrap-servers is required")
                .doesNotContain("s3cr3t-pw");
    }

    @Test
    void shouldKeepClientSettingsForAKafkaOfTheUsers() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(Map.of());
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("up", "--kafka-property", "security.protocol=SSL");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--kafka-config and --kafka-property are for a Kafka given by --bootstrap-servers");
    }
}
