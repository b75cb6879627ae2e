package dev.agentlog.app.cli;

import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The embedded broker alone: a development Kafka for running the other parts as separate processes. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded single-node Kafka broker (KRaft) alone, a development Kafka on --port with its data in --data-dir.")
public final class BrokerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    public static final Setting<Integer> PORT = Setting.port("port").defaultsTo(9092)
            .doc("Port of the broker's PLAINTEXT listener.");
    public static final Setting<Integer> CONTROLLER_PORT = Setting.port("controller-port").defaultsTo(9093)
            .doc("Port of the KRaft controller listener.");

    final DataDirOptions data = new DataDirOptions();
    final SettingGroup broker = new SettingGroup(PORT, CONTROLLER_PORT, KafkaOptions.PARTITIONS);

    @Override
    public Integer call() throws Exception {
        try (Running running = new Running()) {
            EmbeddedKafkaBroker broker = running.add(EmbeddedKafkaBroker.start(data.dataDir().resolve("kafka"),
                    this.broker.get(PORT), this.broker.get(CONTROLLER_PORT), this.broker.get(KafkaOptions.PARTITIONS)));
            spec.commandLine().getOut().println("Kafka broker on " + broker.bootstrapServers() + ", data in "
                    + broker.dataDirectory() + ". Stop with Ctrl-C.");
            spec.commandLine().getOut().flush();
            running.awaitStop();
        }
        return ExitCodes.OK;
    }
}
