package dev.agentlog.app.runtime;

import java.nio.file.Path;
import java.util.Properties;

/** The server properties of the single-node KRaft broker (combined broker and controller). */
final class KafkaBrokerProperties {
    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private KafkaBrokerProperties() {
    }

    static Properties of(Path logDir, Path metadataDir, int brokerPort, int controllerPort, int numPartitions) {
        String host = LocalPorts.LOOPBACK;
        Properties props = new Properties();
        // One process is both broker and controller: no separate controller to run.
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // Static quorum of this node alone; storage is formatted without a dynamic (standalone) quorum to match.
        props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        // Loopback only: the embedded broker is for this machine.
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
        // One broker: internal topics cannot have more than one replica.
        props.put("offsets.topic.replication.factor", "1");
        // Without these two, exactly-once Streams hangs in REBALANCING on a single broker.
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        // Share-group state topic: same single-replica constraint.
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // No 3 s wait for more group members: a local consumer gets its partitions at once.
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }
}
