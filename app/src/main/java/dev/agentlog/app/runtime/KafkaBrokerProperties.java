package dev.agentlog.app.runtime;

import java.nio.file.Path;
import java.util.Properties;

/** The server properties of a KRaft node that is broker and controller at once: alone, or one of a cluster. */
final class KafkaBrokerProperties {
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private KafkaBrokerProperties() {
    }

    static Properties of(Path logDir, Path metadataDir, int brokerPort, int controllerPort, int numPartitions) {
        return of(logDir, metadataDir, brokerPort, controllerPort, numPartitions, KafkaNode.single(controllerPort));
    }

    static Properties of(Path logDir, Path metadataDir, int brokerPort, int controllerPort, int numPartitions,
            KafkaNode node) {
        String host = node.host();
        Properties props = new Properties();
        // One process is both broker and controller: no separate controller to run.
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(node.nodeId()));
        // Static quorum; storage is formatted without a dynamic (standalone) quorum to match.
        props.put("controller.quorum.voters", node.quorumVoters());
        // Loopback unless the node is given a host: the embedded broker is for this machine.
        props.put("listeners",
                "PLAINTEXT://" + host + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        // Data lives in the project's data directory, not /tmp, so it survives restarts.
        props.put("log.dirs", logDir.toString());
        props.put("metadata.log.dir", metadataDir.toString());
        // Default partition count of auto-created topics.
        props.put("num.partitions", String.valueOf(numPartitions));
        // Internal topics: one replica on one node (without the transaction-state settings exactly-once Streams hangs
        // in REBALANCING on a single broker); three, two of them in sync for a write, on a cluster of three or more.
        String replicas = String.valueOf(node.replicationFactor());
        String minIsr = String.valueOf(node.minInsyncReplicas());
        props.put("offsets.topic.replication.factor", replicas);
        props.put("transaction.state.log.replication.factor", replicas);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", replicas);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        // Topics created without a factor (Streams' internal ones when asked for -1) and acks=all writes
        props.put("default.replication.factor", replicas);
        props.put("min.insync.replicas", minIsr);
        // No 3 s wait for more group members: a local consumer gets its partitions at once.
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }
}
