package dev.agentlog.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.cli.ExitCodes;
import dev.agentlog.app.crash.ChildProcess;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.CliRun;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.workload.LettaSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline (ingest, processor, sink in `agentlog up`; `agentlog cdc`; `verify` and `dlq list`) against a
 * Kafka broker that offers nothing but SASL_SSL (SCRAM-SHA-512 over TLS, a CA made by the test), as every managed Kafka
 * does. The parts run as JVMs of their own and learn how to reach Kafka only from --kafka-config, the file a managed
 * Kafka's "client configuration" page hands out (bootstrap.servers included). With a wrong password every part stops
 * at once with an error naming the broker and the mechanism, and no password appears in any line it writes.
 */
class SaslSslEndToEndTest {
    static final String USER = "agentlog";
    static final String PASSWORD = "right-" + UUID.randomUUID();
    static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    static final String STORE_PASSWORD = "store-" + UUID.randomUUID();
    static final String PREFIX = "sasl";
    static final String LETTA_DB = "letta_sasl";
    static final String API_KEY = "key-" + UUID.randomUUID();
    static final Duration TIMEOUT = Duration.ofSeconds(180);

    static Path dir;
    static SaslSslBroker broker;
    static Path clientConfig;
    static Path wrongConfig;
    static HikariDataSource projections;
    static HikariDataSource letta;
    static String lettaUrl;

    @BeforeAll
    static void start() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        dir = Files.createDirectories(runtime.dataDir.resolve("sasl-ssl"));
        TestCertificates certificates = TestCertificates.create(dir.resolve("tls"), STORE_PASSWORD);
        broker = SaslSslBroker.start(Files.createDirectories(dir.resolve("broker")), certificates, USER, PASSWORD);
        clientConfig = Files.writeString(dir.resolve("client.properties"), broker.clientProperties(USER, PASSWORD));
        wrongConfig = Files.writeString(dir.resolve("wrong.properties"), broker.clientProperties(USER, WRONG_PASSWORD));

        projections = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), "", 2, "sasl-projections");
        try (Connection c = projections.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + LETTA_DB);
        }
        lettaUrl = "jdbc:postgresql://127.0.0.1:" + runtime.postgres.port() + "/" + LETTA_DB;
        letta = Database.pool(lettaUrl, runtime.postgres.user(), "", 1, "sasl-letta");
        try (Connection c = letta.getConnection(); Statement s = c.createStatement()) {
            s.execute(LettaSchema.ddl());
        }
        // capture refuses a source whose keyless tables would break Letta's writes: prepare it as an operator does
        CliRun setup = CliRun.of("cdc", "--setup", "--yes", "--source-pg-url", lettaUrl, "--source-pg-user", "postgres",
                "--publication-name", PREFIX);
        assertThat(setup.exitCode()).as(setup.err()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        if (lettaUrl != null) {
            // a replication slot keeps WAL for as long as it exists
            CliRun.of("cdc", "--drop-slot", "--source-pg-url", lettaUrl, "--source-pg-user", "postgres",
                    "--slot-name", PREFIX, "--publication-name", PREFIX);
        }
        if (letta != null) {
            letta.close();
        }
        if (projections != null) {
            projections.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldRunThePipelineConfiguredOnlyThroughKafkaConfig() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        List<ChildProcess> parts = new ArrayList<>();
        try {
            ChildProcess up = ChildProcess.startLoggingAsShipped(dir.resolve("up.log"), "up", "--kafka-config", clientConfig.toString(),
                    "--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", "postgres", "--pg-schema", PREFIX,
                    "--topic-prefix", PREFIX, "--partitions", "3", "--application-id", PREFIX + "-processor",
                    "--group-id", PREFIX + "-sink", "--http-port", "0", "--api-keys", "test:" + API_KEY,
                    "--data-dir", dir.resolve("up").toString());
            parts.add(up);
            String upOutput = Await.until("`agentlog up` to be up", TIMEOUT, () -> alive(up).output(),
                    out -> out.contains("agentlog is up."));
            ChildProcess cdc = ChildProcess.startLoggingAsShipped(dir.resolve("cdc.log"), "cdc", "--kafka-config", clientConfig.toString(),
                    "--source-pg-url", lettaUrl, "--source-pg-user", "postgres", "--topic-prefix", PREFIX,
                    "--partitions", "3", "--slot-name", PREFIX, "--publication-name", PREFIX);
            parts.add(cdc);
            Await.until("`agentlog cdc` to run", TIMEOUT, () -> alive(cdc).output(), out -> out.contains("cdc running"));

            HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + httpPort(upOutput) + "/v1/events"))
                    .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofFile(Path.of("..", "docs", "examples", "letta-turn.json"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            String agentId = insertLettaAgent();

            Await.until("the 20 posted events in " + PREFIX + ".events", TIMEOUT, () -> Rows.of(projections,
                    "select count(*) from " + PREFIX + ".events where source = 'http:test'"), rows -> rows.equals(List.of("20")));
            Await.until("the captured agent in " + PREFIX + ".agents", TIMEOUT, () -> Rows.of(projections,
                    "select name from " + PREFIX + ".agents where agent_id = '" + agentId + "'"),
                    rows -> rows.equals(List.of("captured")));

            CliRun verify = CliRun.of("verify", "--kafka-config", clientConfig.toString(), "--pg-url",
                    runtime.postgres.jdbcUrl(), "--pg-user", "postgres", "--pg-schema", PREFIX, "--topic-prefix", PREFIX,
                    "--group-id", PREFIX + "-sink");
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(ExitCodes.OK);
            assertThat(verify.out()).contains("EQUAL");
            CliRun deadLetters = CliRun.of("dlq", "list", "--kafka-config", clientConfig.toString(), "--topic-prefix",
                    PREFIX);
            assertThat(deadLetters.exitCode()).as(deadLetters.err()).isEqualTo(ExitCodes.OK);
        } finally {
            for (ChildProcess part : parts) {
                part.close();
            }
        }
        for (String log : List.of("up.log", "cdc.log")) {
            assertThat(Files.readString(dir.resolve(log))).as(log)
                    .contains("security.protocol=SASL_SSL", "password=****")
                    .doesNotContain(PASSWORD, STORE_PASSWORD);
        }
    }

    @Test
    void shouldStopEveryPartWithAClearErrorOnAWrongPasswordAndLogNoPassword() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        List<List<String>> commands = List.of(
                List.of("up", "--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", "postgres", "--pg-schema", "sasl_wrong",
                        "--api-keys", "test:" + API_KEY, "--data-dir", dir.resolve("wrong-up").toString()),
                List.of("sink", "--pg-url", runtime.postgres.jdbcUrl(), "--pg-user", "postgres", "--pg-schema", "sasl_wrong"),
                List.of("processor", "--data-dir", dir.resolve("wrong-processor").toString()),
                List.of("cdc", "--source-pg-url", lettaUrl, "--source-pg-user", "postgres", "--slot-name", "sasl_wrong",
                        "--publication-name", "sasl_wrong"));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--kafka-config", wrongConfig.toString(), "--topic-prefix", PREFIX + "_wrong"));
            Path log = dir.resolve("wrong-" + command.get(0) + ".log");
            try (ChildProcess part = ChildProcess.startLoggingAsShipped(log, args.toArray(String[]::new))) {
                OptionalInt exit = part.awaitExit(Duration.ofSeconds(120));

                assertThat(exit).as(command.get(0) + " still runs: " + part.output()).isPresent();
                assertThat(exit.getAsInt()).as(part.output()).isEqualTo(ExitCodes.USAGE);
                assertThat(part.output()).contains("agentlog " + command.get(0) + ": ", "Kafka at "
                                + broker.bootstrapServers() + " (security.protocol SASL_SSL, sasl.mechanism SCRAM-SHA-512)"
                                + " refused agentlog's credentials", "invalid credentials with SASL mechanism SCRAM-SHA-512")
                        .doesNotContain(WRONG_PASSWORD, PASSWORD, STORE_PASSWORD);
            }
        }
    }

    private static ChildProcess alive(ChildProcess part) throws Exception {
        if (!part.isAlive()) {
            throw new IllegalStateException("the part stopped: " + part.output());
        }
        return part;
    }

    private static int httpPort(String upOutput) {
        Matcher port = Pattern.compile("HTTP API +http://127\\.0\\.0\\.1:(\\d+)/").matcher(upOutput);
        assertThat(port.find()).as(upOutput).isTrue();
        return Integer.parseInt(port.group(1));
    }

    /** An organization, a user and an agent, written to the Letta database the way Letta does. */
    private static String insertLettaAgent() throws Exception {
        String org = "org-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        String agent = "agent-" + UUID.randomUUID();
        try (Connection c = letta.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO organizations (id, name) VALUES ('" + org + "', 'default')");
            s.execute("INSERT INTO users (id, name, organization_id) VALUES ('" + user + "', 'ada', '" + org + "')");
            s.execute("INSERT INTO agents (id, organization_id, agent_type, name, system, message_ids, llm_config,"
                    + " embedding_config, tool_rules, metadata_, _created_by_id, _last_updated_by_id) VALUES ('" + agent
                    + "', '" + org + "', 'memgpt_v2_agent', 'captured', 'You are captured.', '[]',"
                    + " '{\"model\":\"gpt-4o-mini\",\"context_window\":128000}',"
                    + " '{\"embedding_model\":\"text-embedding-3-small\",\"embedding_dim\":1536}', '[]', '{}', '" + user
                    + "', '" + user + "')");
        }
        return agent;
    }
}
