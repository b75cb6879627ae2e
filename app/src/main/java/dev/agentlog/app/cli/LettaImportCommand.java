package dev.agentlog.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.query.AgentFiles;
import dev.agentlog.query.agentfile.AgentFileImport;
import dev.agentlog.query.agentfile.ImportIds;
import dev.agentlog.support.time.Time;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A Letta Agent File into the log, as new agents. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Turn Letta's Agent File (.af) into events and send them to <prefix>.events.in, the way ingest"
                + " does (acks=all, sealed with --kek-file): each agent with its messages, window, blocks, tools,"
                + " folders, files, tags and groups. Every object gets a new id derived from the file, or with --as the file's one agent gets that id and everything it owns"
                + " new ids derived from it (a fork). The whole file is checked first: a bad field is named and"
                + " nothing is sent. A file imported before is refused; one whose import stopped half-way is sent"
                + " again (the pipeline keeps each event once)."})
public final class LettaImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = KafkaOptions.required();
    /** Where the log is: an agent that exists is refused; with encryption on, where the data keys are. */
    final PostgresOptions postgres = PostgresOptions.required();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup fork = new SettingGroup(ImportCommand.AS);

    @Parameters(index = "0", paramLabel = "FILE", description = "The agent file (.af) Letta or `agentlog letta export`"
            + " wrote.")
    Path file;

    @Override
    public Integer call() throws Exception {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist");
        }
        JsonNode json;
        try {
            json = EventCodec.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not JSON (Letta's agent file is): " + e.getMessage());
        }
        String asAgent = fork.get(ImportCommand.AS);
        ImportIds ids = asAgent == null ? ImportIds.ofFile(bytes) : ImportIds.asAgent(asAgent, bytes);
        AgentFileImport.Result result;
        try {
            result = AgentFileImport.events(json, ids, Time.SYSTEM.instant());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage() + "; nothing was sent", e);
        }
        EventCodec codec = EventCodec.standard();
        List<Event> events = new ArrayList<>(result.events().size());
        Set<String> streams = new LinkedHashSet<>();
        List<String> eventIds = new ArrayList<>();
        for (ObjectNode event : result.events()) {
            eventIds.add(event.get("event_id").asText());
            try {
                events.add(codec.fromJson(event));
            } catch (InvalidEventException e) {
                throw new IllegalStateException("an event made of " + file + " is not valid: " + e.getMessage(), e);
            }
            streams.add(event.get("stream_id").asText());
        }
        KafkaClients clients = kafka.clients();
        KafkaAccess.check(clients);
        int sent = 0;
        try (HikariDataSource pool = Database.pool(postgres.target(), 1, "agentlog-letta-import", false);
             EventPublisher publisher = new EventPublisher(clients.bootstrapServers(), kafka.topics(),
                PublisherSettings.DEFAULT, clients.common())) {
            // the same file imported again (or resumed after a failure) sends the same event ids: kept once
            AgentFiles log = new AgentFiles(pool, postgres.schema());
            List<String> taken = log.takenBy(streams, eventIds);
            if (!taken.isEmpty()) {
                throw new IllegalArgumentException(file + ": " + String.join(", ", taken.subList(0,
                        Math.min(3, taken.size()))) + (taken.size() > 3 ? " and " + (taken.size() - 3) + " more" : "")
                        + " exist(s) already with other events" + (asAgent == null ? ": import the file with --as"
                        + " NEW_AGENT_ID as a new agent" : ": choose another --as") + "; nothing was sent");
            }
            long known = log.known(eventIds);
            if (known == eventIds.size()) {
                throw new IllegalArgumentException(file + " was imported before (" + agents(result) + "): nothing was"
                        + " sent" + (asAgent == null ? "; --as NEW_AGENT_ID imports it as a new agent" : ""));
            }
            if (known > 0) {
                // an import that stopped half-way: the events sent again are kept once
                spec.commandLine().getErr().println("resuming the import of " + file + ": " + known + " of its "
                        + eventIds.size() + " events are in the log already");
            }
            if (privacy.enabled()) {
                publisher.sealingWith(privacy.cipher(pool, postgres.schema()));
            }
            List<Event> chunk = new ArrayList<>(EventSending.CHUNK);
            for (Event event : events) {
                chunk.add(event);
                if (chunk.size() == EventSending.CHUNK) {
                    sent += EventSending.send(publisher, chunk, file.toString(), sent);
                }
            }
            sent += EventSending.send(publisher, chunk, file.toString(), sent);
        }
        spec.commandLine().getOut().println("imported " + sent + " events into " + kafka.topics().in() + ": "
                + agents(result));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** {@code agent-0 as agent-..., agent-1 as agent-...}: the file's agents and their new ids. */
    private static String agents(AgentFileImport.Result result) {
        StringBuilder out = new StringBuilder();
        result.agents().forEach((fileId, newId) -> out.append(out.length() == 0 ? "" : ", ").append(fileId)
                .append(" as ").append(newId));
        return out.toString();
    }
}
