package dev.agentlog.app.cli;

import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import dev.agentlog.app.runtime.KafkaNode;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Settings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The embedded broker alone: a development Kafka for running the other parts as separate processes, or one node of a
 * KRaft cluster (each node broker and controller at once): three of them, on one machine or three, make a cluster
 * that survives the loss of one (docs/kafka.md).
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded Kafka broker (KRaft, broker and controller in one) alone, on --port with its data in --data-dir: a single node, or with --node-id, --controller-quorum-voters and --cluster-id one node of a cluster.")
public final class BrokerCommand implements Callable<Integer>, Settings.CrossChecked {
    @Spec
    CommandSpec spec;
    public static final Setting<Integer> PORT = Setting.port("port").defaultsTo(9092)
            .doc("Port of the broker's PLAINTEXT listener.");
    public static final Setting<Integer> CONTROLLER_PORT = Setting.port("controller-port").defaultsTo(9093)
            .doc("Port of the KRaft controller listener.");

    public static final Setting<Integer> NODE_ID = Setting.count("node-id").defaultsTo(1)
            .check(Check.between(0, 1_000_000))
            .doc("This node's id in a KRaft cluster: one of --controller-quorum-voters.");
    public static final Setting<String> CONTROLLER_QUORUM_VOTERS = Setting.text("controller-quorum-voters")
            .label("VOTERS").check(Check.matches("\\d+@[^:@,\\s]+:\\d{1,5}(,\\d+@[^:@,\\s]+:\\d{1,5})*",
                    "id@host:port,... (each node's controller listener)"))
            .doc("The cluster's controllers, id@host:port of each node's controller listener, the same on every node; unset: this node alone. Three nodes or more: topics get 3 replicas, 2 in sync for a write.");
    public static final Setting<String> CLUSTER_ID = Setting.text("cluster-id").label("ID")
            .check(Check.matches("[A-Za-z0-9_-]{22}", "Kafka's 22-character base64 UUID (kafka-storage random-uuid)"))
            .doc("The cluster's id, the same on every node of a cluster; unset: one generated and kept in the data directory.");
    public static final Setting<String> BROKER_HOST = Setting.text("broker-host").defaultsTo("127.0.0.1")
            .check(Check.notBlank())
            .doc("Host or address the broker and controller listeners bind and the broker advertises to clients.");

    final DataDirOptions data = new DataDirOptions();
    final SettingGroup broker = new SettingGroup(PORT, CONTROLLER_PORT, KafkaOptions.PARTITIONS, NODE_ID,
            CONTROLLER_QUORUM_VOTERS, CLUSTER_ID, BROKER_HOST);

    @Override
    public void checkSettings(List<String> problems) {
        String voters = broker.get(CONTROLLER_QUORUM_VOTERS);
        if (voters != null) {
            try {
                node();
            } catch (IllegalArgumentException e) {
                problems.add(CONTROLLER_QUORUM_VOTERS.option() + ": " + e.getMessage() + " (" + NODE_ID.option() + ")");
            }
            if (broker.get(CLUSTER_ID) == null) {
                problems.add(CLUSTER_ID.option() + " is required with " + CONTROLLER_QUORUM_VOTERS.option()
                        + ": every node of a cluster must be formatted with the same id");
            }
        }
    }

    /** This node: of the quorum given, or the cluster of one on its controller port. */
    private KafkaNode node() {
        String voters = broker.get(CONTROLLER_QUORUM_VOTERS);
        String host = broker.get(BROKER_HOST);
        return new KafkaNode(broker.get(NODE_ID), host, voters != null ? voters
                : broker.get(NODE_ID) + "@" + host + ":" + broker.get(CONTROLLER_PORT));
    }

    @Override
    public Integer call() throws Exception {
        try (Running running = new Running()) {
            KafkaNode node = node();
            EmbeddedKafkaBroker broker = running.add(EmbeddedKafkaBroker.start(data.dataDir().resolve("kafka"),
                    this.broker.get(PORT), this.broker.get(CONTROLLER_PORT), this.broker.get(KafkaOptions.PARTITIONS),
                    node, this.broker.get(CLUSTER_ID)));
            spec.commandLine().getOut().println("Kafka broker on " + broker.bootstrapServers() + ", data in "
                    + broker.dataDirectory() + (node.clusterSize() > 1 ? ", node " + node.nodeId() + " of "
                    + node.clusterSize() : "") + ". Stop with Ctrl-C.");
            spec.commandLine().getOut().flush();
            return running.awaitStop();
        }
    }
}
