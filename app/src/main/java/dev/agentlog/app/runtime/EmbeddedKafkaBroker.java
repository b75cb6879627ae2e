package dev.agentlog.app.runtime;

import dev.agentlog.support.time.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, with its data
 * in a directory that survives restarts. Listens on 127.0.0.1 only.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    public static final int DEFAULT_NUM_PARTITIONS = 12;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final DataDirectoryLock dataDirectoryLock;
    private final Path dataDirectory;
    private final int brokerPort;
    private final int controllerPort;
    private final String host;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, DataDirectoryLock dataDirectoryLock, Path dataDirectory,
            int brokerPort, int controllerPort, String host) {
        this.host = host;
        this.server = server;
        this.dataDirectoryLock = dataDirectoryLock;
        this.dataDirectory = dataDirectory;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Starts a broker with {@value #DEFAULT_NUM_PARTITIONS} partitions per auto-created topic. */
    public static EmbeddedKafkaBroker start(Path dataDirectory, int brokerPort, int controllerPort) {
        return start(dataDirectory, brokerPort, controllerPort, DEFAULT_NUM_PARTITIONS);
    }

    /**
     * Formats {@code dataDirectory} if needed, starts the broker and returns once it answers admin requests.
     *
     * @param brokerPort     client port on 127.0.0.1; 0 picks a free port
     * @param controllerPort KRaft controller port on 127.0.0.1; 0 picks a free port
     * @param numPartitions  partitions of auto-created topics
     * @throws LocalServiceStartException naming the port or directory at fault
     */
    public static EmbeddedKafkaBroker start(Path dataDirectory, int brokerPort, int controllerPort, int numPartitions) {
        return start(dataDirectory, brokerPort, controllerPort, numPartitions, null, null);
    }

    /**
     * As {@link #start(Path, int, int, int)}, as one node of a KRaft cluster (each node broker and controller):
     * returns once this node answers, which needs a majority of the quorum's controllers running.
     *
     * @param node      the node's id, host and controller quorum; null for the cluster of one on loopback
     * @param clusterId the cluster's id, the same on every node (Kafka's base64 UUID); null to generate one (one node)
     */
    public static EmbeddedKafkaBroker start(Path dataDirectory, int brokerPort, int controllerPort, int numPartitions,
            KafkaNode node, String clusterId) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be at least 1, got " + numPartitions);
        }
        Path dataDir = dataDirectory.toAbsolutePath().normalize();
        int broker = LocalPorts.resolve(brokerPort);
        int controller = LocalPorts.resolve(controllerPort);
        while (controllerPort == 0 && controller == broker) {
            // Two free-port picks can return the same port; the controller needs its own.
            controller = LocalPorts.resolve(0);
        }
        if (broker == controller) {
            throw new IllegalArgumentException("broker and controller ports must differ, both are " + broker);
        }
        String where = "(broker port " + broker + ", controller port " + controller + ", data dir " + dataDir + ")";
        long startedAt = System.nanoTime();

        requirePortFree(broker, "broker", where);
        requirePortFree(controller, "controller", where);
        KafkaNode self = node != null ? node : KafkaNode.single(controller);
        DataDirectoryLock lock = lockDataDirectory(dataDir);
        KafkaRaftServer server = null;
        try {
            KafkaConfig config = prepareStorage(dataDir, broker, controller, numPartitions, self, clusterId, where);
            KafkaExitGuard.install();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            awaitReady(self.host() + ":" + broker, where);
            if (self.clusterSize() > 1) {
                LOG.info("Kafka node {} of a cluster of {} (quorum {})", self.nodeId(), self.clusterSize(),
                        self.quorumVoters());
            }
        } catch (Throwable startFailure) {
            if (server != null) {
                stopQuietly(server);
            }
            closeQuietly(lock);
            throw new LocalServiceStartException(describeFailure(startFailure, broker, controller, where), startFailure);
        }
        LOG.info("Kafka broker ready on {}:{} (controller {}), data in {}, after {} ms", LocalPorts.LOOPBACK, broker,
                controller, dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        return new EmbeddedKafkaBroker(server, lock, dataDir, broker, controller, self.host());
    }

    /** {@code 127.0.0.1:port} of the client listener. */
    public String bootstrapServers() {
        return host + ":" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Shuts the broker down and waits for it; the data directory is kept. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stoppingAt = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            closeQuietly(dataDirectoryLock);
        }
        LOG.info("Kafka broker on port {} stopped after {} ms", brokerPort,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppingAt));
    }

    private static void requirePortFree(int port, String role, String where) {
        if (!LocalPorts.isFree(port)) {
            throw new LocalServiceStartException("Kafka " + role + " port " + LocalPorts.LOOPBACK + ":" + port
                    + " is already in use " + where + ": stop what listens there or choose another port");
        }
    }

    private static DataDirectoryLock lockDataDirectory(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            return DataDirectoryLock.acquire(dataDir, "broker.lock", "Kafka broker");
        } catch (IOException e) {
            throw new LocalServiceStartException("Could not create or lock the Kafka data directory " + dataDir + ": " + e, e);
        }
    }

    private static KafkaConfig prepareStorage(Path dataDir, int broker, int controller, int numPartitions,
            KafkaNode node, String clusterId, String where) {
        Path logDir = dataDir.resolve("logs");
        Path metadataDir = dataDir.resolve("metadata");
        try {
            Files.createDirectories(logDir);
            Files.createDirectories(metadataDir);
            Properties props = KafkaBrokerProperties.of(logDir, metadataDir, broker, controller, numPartitions, node);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            KafkaStorageFormat.formatIfNeeded(config, KafkaClusterId.readOrCreate(dataDir, metadataDir, clusterId));
            return config;
        } catch (LocalServiceStartException e) {
            throw e;
        } catch (Exception e) {
            throw new LocalServiceStartException("Could not prepare Kafka storage " + where + ": " + e.getMessage(), e);
        }
    }

    private static void awaitReady(String bootstrapServers, String where) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Each probe must fail fast so that the loop, not one request, bounds the wait.
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(props)) {
            boolean ready = Poll.every(POLL_INTERVAL).until(READY_TIMEOUT, () -> hasBrokers(admin));
            if (!ready) {
                throw new LocalServiceStartException(
                        "Kafka broker did not answer within " + READY_TIMEOUT.toSeconds() + " s " + where);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalServiceStartException("interrupted while waiting for the Kafka broker " + where, e);
        }
    }

    private static boolean hasBrokers(Admin admin) {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                    .nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.debug("Kafka broker not ready yet: {}", e.toString());
            return false;
        }
    }

    private static String describeFailure(Throwable failure, int broker, int controller, String where) {
        if (failure instanceof LocalServiceStartException) {
            return failure.getMessage();
        }
        StringBuilder message = new StringBuilder("Kafka broker failed to start ").append(where).append(": ");
        if (!LocalPorts.isFree(broker)) {
            message.append("broker port ").append(LocalPorts.LOOPBACK).append(':').append(broker).append(" is in use; ");
        } else if (!LocalPorts.isFree(controller)) {
            message.append("controller port ").append(LocalPorts.LOOPBACK).append(':').append(controller).append(" is in use; ");
        }
        Throwable root = rootCause(failure);
        if (root instanceof KafkaExitGuard.KafkaExitAttemptedException) {
            // Kafka's fatal-fault handler logs the real cause (at ERROR, above) before it asks to halt.
            return message.append("fatal error, see the Kafka ERROR log lines before this one").toString();
        }
        return message.append(root).toString();
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (Throwable e) {
            LOG.warn("Kafka broker did not stop cleanly after a failed start: {}", e.toString());
        }
    }

    private static void closeQuietly(DataDirectoryLock lock) {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("Could not release the Kafka data directory lock: {}", e.toString());
        }
    }
}
