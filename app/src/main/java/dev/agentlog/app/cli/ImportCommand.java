package dev.agentlog.app.cli;

import dev.agentlog.app.wiring.Database;
import com.zaxxer.hikari.HikariDataSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.query.ForkRewriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Sends an exported agent back in through ingest, as itself or as a new agent. Reads the file twice: first
 * to check every event (nothing is sent when one is bad), then to send; so a file of any size is imported in
 * constant memory (standard input is held in memory).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Send the events of an `agentlog export` file to <prefix>.events.in, the way ingest does"
                + " (acks=all), without stream_seq (the processor gives each event the next position of its stream)"
                + " and with source 'import'.",
                "With --as, the agent is forked: it and its blocks, archives, messages and passages get new ids derived"
                + " from the new agent id, and every event a new event_id; importing the same file as the same agent"
                + " again changes nothing."})
public final class ImportCommand implements Callable<Integer> {
    private static final int MAX_PROBLEMS = 10;

    public static final Setting<String> AS = Setting.text("as").label("NEW_AGENT_ID")
            .doc("Import as a new agent with this id (a fork), with new ids for everything the agent owns.");

    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = KafkaOptions.required();
    /** With encryption on, where the data keys are: the imported events are sealed before they reach Kafka. */
    final PostgresOptions postgres = new PostgresOptions();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup fork = new SettingGroup(AS);

    @Parameters(index = "0", paramLabel = "FILE", description = "The JSON-lines file `agentlog export` wrote; - for"
            + " standard input.")
    String file;

    private String stdin;

    /** Receives each event of the file with its line number. */
    @FunctionalInterface
    private interface LineHandler {
        void accept(int line, ObjectNode event) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        KafkaClients clients = kafka.clients();
        KafkaAccess.check(clients);
        String asAgent = fork.get(AS);
        EventCodec codec = EventCodec.standard();
        List<String> problems = new ArrayList<>();
        String[] agent = {null};
        int[] count = {0};
        forEachEvent((line, event) -> {
            count[0]++;
            try {
                codec.fromJson(event);
                agent[0] = ForkRewriter.sameAgent(agent[0], event);
            } catch (InvalidEventException | IllegalArgumentException e) {
                if (problems.size() < MAX_PROBLEMS) {
                    problems.add("line " + line + ": " + e.getMessage());
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " has events that cannot be sent, nothing was sent: "
                    + String.join("; ", problems));
        }
        if (count[0] == 0) {
            throw new IllegalArgumentException(file + " holds no events");
        }
        if (asAgent != null && agent[0] == null) {
            throw new IllegalArgumentException(file + " holds no agent events (agent.created, message.created, ...): is"
                    + " it an `agentlog export` file?");
        }
        ForkRewriter rewriter = asAgent == null ? ForkRewriter.keepingIds() : ForkRewriter.asNewAgent(agent[0], asAgent);
        int[] sent = {0};
        if (privacy.enabled() && postgres.url() == null) {
            throw new IllegalArgumentException(PrivacyOptions.KEK_FILE.option() + " needs --pg-url: the data keys live"
                    + " in PostgreSQL (docs/privacy.md)");
        }
        try (HikariDataSource keys = privacy.enabled() ? Database.pool(postgres.target(), 1, "agentlog-import", false)
                : null;
             EventPublisher publisher = new EventPublisher(clients.bootstrapServers(), kafka.topics(),
                PublisherSettings.DEFAULT, clients.common())) {
            if (keys != null) {
                publisher.sealingWith(privacy.cipher(keys, postgres.schema()));
            }
            List<Event> chunk = new ArrayList<>(EventSending.CHUNK);
            forEachEvent((line, event) -> {
                chunk.add(codec.fromJson(rewriter.rewrite(event)));
                if (chunk.size() == EventSending.CHUNK) {
                    sent[0] += EventSending.send(publisher, chunk, file, sent[0]);
                }
            });
            sent[0] += EventSending.send(publisher, chunk, file, sent[0]);
        }
        spec.commandLine().getOut().println("imported " + sent[0] + " events" + (asAgent == null ? ""
                : " as agent " + asAgent) + " into " + kafka.topics().in());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private void forEachEvent(LineHandler handler) throws Exception {
        try (BufferedReader in = open()) {
            String text;
            int line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = EventCodec.JSON.readTree(text);
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + line + " is not JSON: " + e.getMessage());
                }
                if (!(node instanceof ObjectNode object)) {
                    throw new IllegalArgumentException(file + " line " + line + " is not a JSON object");
                }
                handler.accept(line, object);
            }
        }
    }

    private BufferedReader open() throws IOException {
        if (!"-".equals(file)) {
            return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
        }
        if (stdin == null) {
            stdin = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new BufferedReader(new StringReader(stdin));
    }
}
