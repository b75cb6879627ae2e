package dev.agentlog.app.cli;

import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The embedded broker alone: a development Kafka for running the other parts as separate processes. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded single-node Kafka broker (KRaft) alone, a development Kafka on --port with its data in --data-dir.")
public final class BrokerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    DataDirOption data;

    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT", description = "Port of the broker's PLAINTEXT listener.")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", paramLabel = "PORT", description = "Port of the KRaft controller listener.")
    int controllerPort;

    @Option(names = "--partitions", defaultValue = "12", paramLabel = "N",
            description = "Partitions of each topic agentlog creates (existing topics are left as they are). The upper bound of useful sink workers and processor instances.")
    int partitions;

    @Override
    public Integer call() throws Exception {
        try (Running running = new Running()) {
            EmbeddedKafkaBroker broker = running.add(EmbeddedKafkaBroker.start(
                    data.dataDir.toAbsolutePath().resolve("kafka"), port, controllerPort, partitions));
            spec.commandLine().getOut().println("Kafka broker on " + broker.bootstrapServers() + ", data in "
                    + broker.dataDirectory() + ". Stop with Ctrl-C.");
            spec.commandLine().getOut().flush();
            running.awaitStop();
        }
        return ExitCodes.OK;
    }
}
