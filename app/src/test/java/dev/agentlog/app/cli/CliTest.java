package dev.agentlog.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.Main;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {
    record Run(int exitCode, String out, String err) {}

    static Run run(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldListEverySubcommandInHelp() {
        Run run = run(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("up", "broker", "ingest", "processor", "sink");
    }

    @Test
    void shouldSayHowToBuildTheBenchmarkProgramWhenItIsMissing() {
        Run run = run(Map.of(), "bench", "--bench-jar", "/nonexistent/agentlog-bench.jar", "sink");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--bench-jar", "/nonexistent/agentlog-bench.jar", "-pl bench -am package");
    }

    @Test
    void shouldStopStartUpNamingABadSetting() {
        Run run = run(Map.of(), "sink", "--bootstrap-servers", "127.0.0.1:1", "--pg-url", "jdbc:postgresql://x/y",
                "--batch-max-events", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--batch-max-events");
    }

    @Test
    void shouldRefuseABrokerNodeOutsideItsQuorumOrWithoutTheClusterId() {
        Run run = run(Map.of(), "broker", "--node-id", "4", "--controller-quorum-voters",
                "1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--controller-quorum-voters: node id 4 is not among the controller quorum voters",
                "--cluster-id is required with --controller-quorum-voters");
    }

    @Test
    void shouldNameEveryBadSettingAtOnce() {
        Run run = run(Map.of("AGENTLOG_PG_POOL_SIZE", "0"), "sink", "--pg-url", "jdbc:postgresql://x/y",
                "--batch-max-events", "0", "--topic-prefix", "a b", "--sink-retry-backoff-ms", "soon");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err().lines()).containsExactly(
                "agentlog sink: --topic-prefix must be 1..200 of [a-zA-Z0-9._-] (it starts topic names), was 'a b'",
                "agentlog sink: --bootstrap-servers is required (or set AGENTLOG_BOOTSTRAP_SERVERS, or bootstrap.servers"
                        + " in --kafka-config)",
                "agentlog sink: --pg-pool-size must be between 1 and 1000, was 0",
                "agentlog sink: --batch-max-events must be between 1 and 100000, was 0",
                "agentlog sink: --sink-retry-backoff-ms must be an integer, was 'soon'");
    }

    @Test
    void shouldDefineEachSettingOnceForEveryCommandThatTakesIt() {
        Map<String, Setting<?>> byName = new HashMap<>();
        forEachCommand(Main.commandLine(Map.of()), cli -> Settings.groupsOf(cli.getCommand()).forEach(group ->
                group.settings().forEach(setting -> assertThat(byName.computeIfAbsent(setting.name(), n -> setting))
                        .as(setting + " of " + cli.getCommandName() + " is defined twice").isSameAs(setting))));

        assertThat(byName).containsKeys("group-id", "bootstrap-servers", "pg-url", "partitions");
    }

    private static void forEachCommand(CommandLine cli, Consumer<CommandLine> action) {
        action.accept(cli);
        cli.getSubcommands().values().forEach(sub -> forEachCommand(sub, action));
    }

    @Test
    void shouldNameTheEnvironmentVariableOfAMissingRequiredOption() {
        Run run = run(Map.of(), "sink", "--pg-url", "jdbc:postgresql://x/y");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--bootstrap-servers is required (or set AGENTLOG_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldNeverPrintThePasswordOfABadPgUrl() {
        Run run = run(Map.of("AGENTLOG_PG_URL", "mysql://ada:s3cr3t@db/x?password=s3cr3t"), "sink",
                "--bootstrap-servers", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--pg-url").doesNotContain("s3cr3t");
    }

    @Test
    void shouldKeepTheReadmeSettingsTableEqualToTheOptions() throws Exception {
        String table = SettingsTableCommand.table(Main.commandLine(Map.of()).getCommandSpec());
        String readme = Files.readString(Path.of("..", "README.md"));

        assertThat(readme).as("README.md's settings table; regenerate with: scripts/update-readme-settings")
                .contains("<!-- settings:begin -->\n" + table + "<!-- settings:end -->");
    }
}
