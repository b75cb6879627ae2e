package dev.agentlog.bench.chaos;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.runtime.LocalPostgres;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.workload.hosts.NetworkHosts;
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
 * What the chaos run runs: three {@code agentlog broker} nodes (a KRaft quorum of three, topics with three replicas
 * and {@code min.insync.replicas=2}), a local PostgreSQL, one ingest, and on each of two hosts a processor instance and
 * a sink worker. With root the two hosts are network namespaces ({@link NetworkHosts}) and the brokers and PostgreSQL
 * listen on the hosts' network; without, everything runs on loopback and no host can be cut off.
 */
final class ChaosCluster implements AutoCloseable {
    static final String NAME = "chaos";
    static final Topics TOPICS = new Topics(NAME);
    static final int HOSTS = 2;
    static final int PARTITIONS = 6;
    static final String API_KEY = "chaos-key-0123456789abcdef";

    final Path dir;
    final NetworkHosts hosts; // null: no namespaces here
    final String address;
    final List<Part> brokers = new ArrayList<>();
    final List<Part> processors = new ArrayList<>();
    final List<Part> sinks = new ArrayList<>();
    Part ingest;
    final int ingestPort;
    private final List<Integer> brokerPorts = new ArrayList<>();
    LocalPostgres postgres;
    private int postgresPort;

    private ChaosCluster(Path dir, NetworkHosts hosts) throws IOException {
        this.dir = dir;
        this.hosts = hosts;
        this.address = hosts == null ? "127.0.0.1" : hosts.serviceAddress();
        this.ingestPort = freePort();
    }

    static ChaosCluster start(Path dir, boolean namespaces) throws Exception {
        NetworkHosts hosts = namespaces ? NetworkHosts.create(HOSTS) : null;
        ChaosCluster cluster = new ChaosCluster(dir, hosts);
        try {
            cluster.startBrokers();
            cluster.startPostgres(0);
            try (HikariDataSource pool = Database.pool(cluster.postgres.jdbcUrl(), "postgres", "", 2, "chaos-migrate")) {
                SchemaMigrator.migrate(pool, NAME); // once, before two sink workers start together
            }
            TopicAdmin.ensureTopics(cluster.bootstrapServers(), TOPICS, PARTITIONS, (short) 3, 604_800_000L,
                    IngestSettings.DEFAULT_MAX_EVENT_BYTES);
            cluster.ingest = cluster.part("ingest", -1, "ingest", "--http-host", "127.0.0.1", "--http-port",
                    Integer.toString(cluster.ingestPort), "--api-keys", "chaos:" + API_KEY).start();
            for (int host = 0; host < HOSTS; host++) {
                cluster.processors.add(cluster.part("processor-" + host, host, "processor", "--application-id",
                        NAME + "-processor", "--state-dir", dir.resolve("processor-" + host).toString()).start());
                cluster.sinks.add(cluster.part("sink-" + host, host, "sink", "--pg-url", cluster.pgUrl(),
                        "--pg-user", "postgres", "--pg-schema", NAME, "--group-id", NAME + "-sink").start());
            }
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void startBrokers() throws Exception {
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            brokerPorts.add(freePort());
            controllerPorts.add(freePort());
        }
        String voters = "";
        for (int i = 0; i < 3; i++) {
            voters += (i == 0 ? "" : ",") + (i + 1) + "@" + address + ":" + controllerPorts.get(i);
        }
        String clusterId = Uuid.randomUuid().toString();
        for (int i = 0; i < 3; i++) {
            Path nodeDir = Files.createDirectories(dir.resolve("broker-" + (i + 1)));
            Part broker = new Part("broker-" + (i + 1), -1, List.of(), dir.resolve("broker-" + (i + 1) + ".log"),
                    "broker", "--node-id", Integer.toString(i + 1), "--broker-host", address, "--port",
                    brokerPorts.get(i).toString(), "--controller-port", controllerPorts.get(i).toString(),
                    "--controller-quorum-voters", voters, "--cluster-id", clusterId, "--partitions",
                    Integer.toString(PARTITIONS), "--data-dir", nodeDir.toString());
            brokers.add(broker.start());
        }
        try (Admin admin = admin()) {
            Waits.until("three brokers in the cluster", Duration.ofSeconds(300),
                    () -> admin.describeCluster().nodes().get().size() == 3);
        }
    }

    /** Starts PostgreSQL on its data directory (on {@code port}, 0 for a free one), retrying while it cannot yet. */
    void startPostgres(int port) throws Exception {
        Path pgDir = dir.resolve("postgres");
        Waits.until("PostgreSQL started", Duration.ofSeconds(120), () -> {
            postgres = hosts == null ? LocalPostgres.start(pgDir, port, null)
                    : LocalPostgres.startOnPrivateNetwork(pgDir, port, address, hosts.cidr());
            return true;
        });
        postgresPort = postgres.port();
    }

    /** SIGKILL of the postmaster (its backends end when they notice), as a crash of the database's machine would. */
    void killPostgres() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("postgres").resolve("postmaster.pid")).get(0).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Waits.until("the postmaster gone", Duration.ofSeconds(30), () -> ProcessHandle.of(pid).isEmpty());
        // What this JVM still holds of the dead server (the bundled binaries' lock on the data directory): its stop
        // finds no server, says so, and lets go.
        postgres.close();
    }

    void restartPostgres() throws Exception {
        startPostgres(postgresPort);
    }

    String pgUrl() {
        return "jdbc:postgresql://" + address + ":" + postgresPort + "/postgres";
    }

    String bootstrapServers() {
        return brokerPorts.stream().map(p -> address + ":" + p).collect(Collectors.joining(","));
    }

    Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** The node that leads the controller quorum now. */
    int activeController() throws Exception {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        }
    }

    private Part part(String name, int host, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--bootstrap-servers", bootstrapServers(), "--topic-prefix",
                NAME, "--partitions", Integer.toString(PARTITIONS), "--replication-factor", "3",
                "--session-timeout-ms", "10000"));
        all.addAll(List.of(args));
        List<String> launcher = host < 0 || hosts == null ? List.of() : hosts.command(host, List.of());
        return new Part(name, host, launcher, dir.resolve(name + ".log"), all.toArray(String[]::new));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        List<Part> all = new ArrayList<>(sinks);
        all.addAll(processors);
        if (ingest != null) {
            all.add(ingest);
        }
        all.addAll(brokers);
        for (Part part : all) {
            part.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }
}
