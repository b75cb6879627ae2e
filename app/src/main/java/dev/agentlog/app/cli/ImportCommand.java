package dev.agentlog.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.ingest.EventPublisher;
import dev.agentlog.ingest.PublisherSettings;
import dev.agentlog.sink.query.ForkRewriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Sends an exported agent back in through ingest, as itself or as a new agent. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Send the events of an `agentlog export` file to <prefix>.events.in, the way ingest does (acks=all),"
                + " without stream_seq (the processor gives each event the next position of its stream) and with source"
                + " 'import'.",
                "With --as, the agent is forked: it and its blocks, archives, messages and passages get new ids derived"
                + " from the new agent id, and every event a new event_id; importing the same file as the same agent"
                + " again changes nothing."})
public final class ImportCommand implements Callable<Integer> {
    private static final int CHUNK = 1_000;

    @Spec
    CommandSpec spec;
    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "FILE", description = "The JSON-lines file `agentlog export` wrote; - for"
            + " standard input.")
    String file;

    @Option(names = "--as", paramLabel = "NEW_AGENT_ID",
            description = "Import as a new agent with this id (a fork), with new ids for everything the agent owns.")
    String asAgent;

    @Override
    public Integer call() throws Exception {
        kafka.validate();
        String bootstrap = Required.option(kafka.bootstrapServers, "--bootstrap-servers");
        List<ObjectNode> exported = read();
        if (exported.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no events");
        }
        ForkRewriter rewriter = asAgent == null ? ForkRewriter.keepingIds()
                : ForkRewriter.asNewAgent(ForkRewriter.agentOf(exported), asAgent);
        EventCodec codec = EventCodec.standard();
        List<Event> events = new ArrayList<>(exported.size());
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < exported.size(); i++) {
            try {
                events.add(codec.fromJson(rewriter.rewrite(exported.get(i))));
            } catch (InvalidEventException | IllegalArgumentException e) {
                if (problems.size() < 10) {
                    problems.add("line " + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " has events that cannot be sent, nothing was sent: "
                    + String.join("; ", problems));
        }
        try (EventPublisher publisher = new EventPublisher(bootstrap, kafka.topics(), PublisherSettings.DEFAULT, Map.of())) {
            for (int from = 0; from < events.size(); from += CHUNK) {
                List<CompletableFuture<RecordMetadata>> acks = publisher.publishAll(
                        events.subList(from, Math.min(events.size(), from + CHUNK)));
                try {
                    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
                } catch (CompletionException e) {
                    throw new IllegalStateException("Kafka did not acknowledge every event of " + file + " (" + e.getCause()
                            .getMessage() + "); " + from + " were acknowledged before. Run the same import again: the"
                            + " pipeline keeps each event once", e);
                }
            }
        }
        spec.commandLine().getOut().println("imported " + events.size() + " events" + (asAgent == null ? ""
                : " as agent " + asAgent) + " into " + kafka.topics().in());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private List<ObjectNode> read() throws IOException {
        List<ObjectNode> events = new ArrayList<>();
        try (BufferedReader in = "-".equals(file)
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = EventCodec.JSON.readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + number + " is not JSON: " + e.getMessage());
                }
                if (!(node instanceof ObjectNode object)) {
                    throw new IllegalArgumentException(file + " line " + number + " is not a JSON object");
                }
                events.add(object);
            }
        }
        return events;
    }
}
