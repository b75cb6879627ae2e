package dev.agentlog.app.production;

import dev.agentlog.app.crash.ChildProcess;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker (KRaft, one node) that offers clients nothing but SASL_SSL: SCRAM-SHA-512 over TLS with a
 * certificate of {@link TestCertificates}, as managed Kafka services do. It runs as a JVM of its own from the
 * test's classpath ({@code kafka.tools.StorageTool format --add-scram}, then {@code kafka.Kafka}), so no setting of
 * it can leak into the clients under test. Its controller listener is plain and on loopback, for itself only.
 */
public final class SaslSslBroker implements AutoCloseable {
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String ADMIN_USER = "admin";

    private final ChildProcess process;
    private final int port;
    private final TestCertificates certificates;

    private SaslSslBroker(ChildProcess process, int port, TestCertificates certificates) {
        this.process = process;
        this.port = port;
        this.certificates = certificates;
    }

    /**
     * Formats a data directory under {@code dir} with SCRAM credentials for {@code user} (and the broker's own),
     * starts the broker and returns once {@code user} can log in.
     */
    public static SaslSslBroker start(Path dir, TestCertificates certificates, String user, String password)
            throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        String adminPassword = "admin-" + Uuid.randomUuid();
        Path config = dir.resolve("server.properties");
        Files.writeString(config, serverProperties(dir, certificates, port, controllerPort, adminPassword));
        try (ChildProcess format = ChildProcess.startMain(dir.resolve("format.log"), List.of("-Xmx256m"),
                "kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(),
                "--add-scram", MECHANISM + "=[name=" + ADMIN_USER + ",password=" + adminPassword + "]",
                "--add-scram", MECHANISM + "=[name=" + user + ",password=" + password + "]")) {
            OptionalInt formatted = format.awaitExit(Duration.ofSeconds(120));
            if (formatted.isEmpty() || formatted.getAsInt() != 0) {
                throw new IOException("formatting the broker's storage failed: " + format.output());
            }
        }
        SaslSslBroker broker = new SaslSslBroker(ChildProcess.startMain(dir.resolve("broker.log"), List.of("-Xmx512m"),
                "kafka.Kafka", config.toString()), port, certificates);
        try {
            broker.awaitLogin(user, password);
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** {@code 127.0.0.1:<port>}: the SASL_SSL listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * What a client needs to log in as {@code user}, as a Java properties file's text: what a managed Kafka's
     * "client configuration" page hands out.
     */
    public String clientProperties(String user, String password) {
        return "bootstrap.servers=" + bootstrapServers() + "\n"
                + "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=" + MECHANISM + "\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";\n"
                + "ssl.truststore.location=" + certificates.truststore() + "\n"
                + "ssl.truststore.type=PKCS12\n"
                + "ssl.truststore.password=" + certificates.storePassword() + "\n";
    }

    private void awaitLogin(String user, String password) throws Exception {
        Properties client = new Properties();
        client.load(new StringReader(clientProperties(user, password)));
        client.put("default.api.timeout.ms", 5_000);
        client.put("request.timeout.ms", 5_000);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the SASL_SSL broker stopped while starting: " + process.output());
            }
            try (Admin admin = Admin.create(client)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500); // poll interval of a bounded wait for the broker to accept the login
        }
        throw new IOException("the SASL_SSL broker did not accept a login within " + START_TIMEOUT.toSeconds() + " s",
                last);
    }

    private static String serverProperties(Path dir, TestCertificates certificates, int port, int controllerPort,
            String adminPassword) {
        String store = certificates.storePassword();
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=SASL_SSL://127.0.0.1:" + port,
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=SASL_SSL",
                "controller.listener.names=CONTROLLER",
                "sasl.enabled.mechanisms=" + MECHANISM,
                "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram."
                        + "ScramLoginModule required username=\"" + ADMIN_USER + "\" password=\"" + adminPassword + "\";",
                "ssl.keystore.location=" + certificates.serverKeystore(),
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.password=" + store,
                "ssl.key.password=" + store,
                // The broker connects to itself over SASL_SSL, so it checks its own certificate: it needs the CA too.
                "ssl.truststore.location=" + certificates.truststore(),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.password=" + store,
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    /** A port nothing listens on at this moment, on loopback. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    public String output() throws IOException {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
