package dev.agentlog.app.outage;

import dev.agentlog.app.crash.ChildProcess;
import dev.agentlog.app.e2e.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of three nodes (each broker and controller), each {@code agentlog broker} in a JVM of its own, as a
 * user starts it on one machine (docs/kafka.md), so that a test can SIGKILL one of them.
 */
final class ThreeBrokers implements AutoCloseable {
    private final List<ChildProcess> nodes = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();

    private ThreeBrokers() {}

    static ThreeBrokers start(Path dir) throws Exception {
        ThreeBrokers cluster = new ThreeBrokers();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cluster.brokerPorts.add(freePort());
            controllerPorts.add(freePort());
        }
        String voters = "";
        for (int i = 0; i < 3; i++) {
            voters += (i == 0 ? "" : ",") + (i + 1) + "@127.0.0.1:" + controllerPorts.get(i);
        }
        String clusterId = Uuid.randomUuid().toString();
        try {
            for (int i = 0; i < 3; i++) {
                Path nodeDir = Files.createDirectories(dir.resolve("node-" + (i + 1)));
                cluster.nodes.add(ChildProcess.start(nodeDir.resolve("broker.log"), "broker",
                        "--node-id", Integer.toString(i + 1), "--port", cluster.brokerPorts.get(i).toString(),
                        "--controller-port", controllerPorts.get(i).toString(), "--controller-quorum-voters", voters,
                        "--cluster-id", clusterId, "--partitions", "3", "--data-dir", nodeDir.toString()));
            }
            try (Admin admin = cluster.admin()) {
                Await.until("three brokers in the cluster", Duration.ofSeconds(180),
                        () -> admin.describeCluster().nodes().get().size(), n -> n == 3);
            }
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String bootstrapServers() {
        return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** SIGKILL of node {@code nodeId} (1 to 3): no shutdown, no leaving anything. */
    void kill(int nodeId) throws InterruptedException {
        nodes.get(nodeId - 1).kill();
    }

    Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (ChildProcess node : nodes) {
            node.close();
        }
    }
}
