package dev.agentlog.app.cli;

import dev.agentlog.client.deadletters.DeadLetterFilter;
import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.client.deadletters.DeadLetters;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.settings.SettingGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What the dead-letter topic holds, and sending fixed records back in. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and replay the dead-letter topic.",
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.ReplayDeadLetters.class})
public final class DlqCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print the dead-letter records as JSON lines (original key and value, reason, rule, source position).")
    static final class ListDeadLetters implements Callable<Integer> {
        static final Setting<String> REASON = Setting.text("reason").label("REASON")
                .doc("Only dead letters of this reason: " + java.util.Arrays.stream(DeadLetterReason.values())
                        .map(DeadLetterReason::wireName).collect(java.util.stream.Collectors.joining(", ")) + ".");
        static final Setting<String> STREAM = Setting.text("stream").label("STREAM_ID")
                .doc("Only dead letters of this stream.");

        @Spec
        CommandSpec spec;
        final KafkaOptions kafka = KafkaOptions.required();
        final SettingGroup filters = new SettingGroup(REASON, STREAM);

        @Override
        public Integer call() {
            KafkaClients clients = kafka.clients();
            KafkaAccess.check(clients);
            String reason = filters.get(REASON);
            String stream = filters.get(STREAM);
            DeadLetterFilter filter = DeadLetterFilter.all();
            if (reason != null) {
                filter = filter.withReason(reason);
            }
            if (stream != null) {
                filter = filter.withStream(stream);
            }
            PrintWriter out = spec.commandLine().getOut();
            DeadLetters.list(clients.bootstrapServers(), clients.common(), kafka.topics(), filter,
                    line -> out.println(line.toString()));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Send fixed dead letters (JSON lines as `dlq list` prints them, with the value edited) back to <prefix>.events.in.")
    static final class ReplayDeadLetters implements Callable<Integer> {
        static final Setting<String> FILE = Setting.text("file").label("FILE")
                .doc("JSON-lines file to replay; - for standard input.");

        @Spec
        CommandSpec spec;
        final KafkaOptions kafka = KafkaOptions.required();
        final SettingGroup input = new SettingGroup(FILE).require(FILE);

        @Override
        public Integer call() throws Exception {
            KafkaClients clients = kafka.clients();
            KafkaAccess.check(clients);
            String file = input.get(FILE);
            int sent;
            try (BufferedReader in = "-".equals(file)
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                sent = DeadLetters.replay(clients.bootstrapServers(), clients.common(), kafka.topics(), in);
            }
            spec.commandLine().getOut().println("replayed " + sent + " record(s) to " + kafka.topics().in());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
