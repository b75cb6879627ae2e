package dev.agentlog.app.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

class SettingsTest {
    static final Setting<Integer> BATCH = Setting.count("batch").defaultsTo(10).check(Check.between(1, 100)).doc("b");
    static final Setting<Long> WAIT_MS = Setting.millis("wait-ms").defaultsTo(5L).check(Check.atLeast(0)).doc("w");
    static final Setting<String> URL = Setting.text("url").shownAs(u -> u.replaceAll("secret", "****")).doc("u");
    static final Setting<String> PASSWORD = Setting.secret("password").doc("p");
    static final Setting<Boolean> SWITCH = Setting.flag("switch").doc("s");
    static final Setting<List<String>> TABLES = Setting.commaList("tables").doc("t");

    enum Mode { NONE, TRANSACTION }

    static final Setting<Mode> MODE = Setting.choice("mode", Mode.class).defaultsTo(Mode.NONE).doc("m");

    @Command(name = "probe")
    static class Probe implements Runnable {
        final SettingGroup group = new SettingGroup(BATCH, WAIT_MS, URL, PASSWORD, SWITCH, TABLES, MODE).require(URL);

        @Override
        public void run() {}
    }

    private static Probe resolve(Map<String, String> env, String... args) {
        return ParsedCommand.resolve(new Probe(), env, args);
    }

    @Test
    void shouldReadTypedValuesFromTheCommandLineTheEnvironmentAndTheDefaults() {
        Probe probe = resolve(Map.of("AGENTLOG_WAIT_MS", "250"), "--url", "u", "--switch", "--tables", "a,b",
                "--mode", "transaction");

        assertThat(probe.group.get(BATCH)).isEqualTo(10);
        assertThat(probe.group.get(WAIT_MS)).isEqualTo(250L);
        assertThat(probe.group.get(SWITCH)).isTrue();
        assertThat(probe.group.get(TABLES)).containsExactly("a", "b");
        assertThat(probe.group.get(MODE)).isEqualTo(Mode.TRANSACTION);
        assertThat(probe.group.get(PASSWORD)).isNull();
    }

    @Test
    void shouldReportEveryProblemAtOnceEachNamingItsOption() {
        assertThatThrownBy(() -> resolve(Map.of(), "--batch", "0", "--wait-ms", "soon", "--mode", "session"))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "--batch must be between 1 and 100, was 0",
                        "--wait-ms must be an integer, was 'soon'",
                        "--url is required (or set AGENTLOG_URL)",
                        "--mode must be one of none, transaction, was 'session'"));
    }

    @Test
    void shouldReadASecretFromItsFileWithoutTheFinalLineBreak(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "s3cr3t\n");

        Probe probe = resolve(Map.of("AGENTLOG_PASSWORD_FILE", file.toString()), "--url", "u");

        assertThat(probe.group.get(PASSWORD)).isEqualTo("s3cr3t");
        assertThat(probe.group.describe()).containsEntry("--password", "****").doesNotContainValue("s3cr3t");
    }

    @Test
    void shouldRefuseASecretGivenTwiceAndAFileThatCannotBeRead(@TempDir Path dir) {
        assertThatThrownBy(() -> resolve(Map.of(), "--url", "u", "--password", "a", "--password-file", "/x"))
                .hasMessage("set --password or --password-file, not both");
        assertThatThrownBy(() -> resolve(Map.of(), "--url", "u", "--password-file", dir.resolve("none").toString()))
                .hasMessageStartingWith("--password-file cannot be read: NoSuchFileException");
    }

    @Test
    void shouldShowValuesMaskedInMessagesAndLogs() {
        assertThat(resolve(Map.of(), "--url", "jdbc:x?password=secret").group.describe())
                .containsEntry("--url", "'jdbc:x?password=****'");
    }

    @Test
    void shouldRefuseADefinitionWithoutItsUnitInTheName() {
        assertThatThrownBy(() -> Setting.millis("timeout")).hasMessageContaining("unit").hasMessageContaining("-ms");
        assertThatThrownBy(() -> Setting.bytes("max-size")).hasMessageContaining("-bytes");
        assertThatThrownBy(() -> Setting.text("Bad_Name")).hasMessageContaining("lower-case");
    }
}
