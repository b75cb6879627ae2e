package dev.agentlog.bench;

import dev.agentlog.bench.run.BenchEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Versions and settings the report names. */
final class RunInfo {
    private static final List<String> PG_SETTINGS = List.of("shared_buffers", "synchronous_commit", "fsync", "wal_level",
            "max_wal_size", "checkpoint_timeout");

    private RunInfo() {}

    static Map<String, String> versions(BenchEnvironment env, boolean peer) throws SQLException {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("agentlog", mavenVersion("dev.agentlog", "agentlog-sink") + git());
        v.put("Kafka (embedded broker, clients)", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        v.put("PostgreSQL (local, `LocalPostgres`)", env.postgresVersion());
        if (peer) {
            // Connect is built with Gradle (no Maven metadata in its jar); it shares its version with the clients
            v.put("Kafka Connect standalone (the peer's runtime)", org.apache.kafka.common.utils.AppInfoParser.getVersion());
            v.put("Debezium JDBC sink connector (the peer)", mavenVersion("io.debezium", "debezium-connector-jdbc")
                    + " (debezium-sink " + mavenVersion("io.debezium", "debezium-sink") + ", debezium-connector-common "
                    + mavenVersion("io.debezium", "debezium-connector-common") + ")");
            v.put("Hibernate ORM (the connector's)", hibernateVersion());
        }
        return v;
    }

    static Map<String, String> postgresSettings(BenchEnvironment env) throws SQLException {
        Map<String, String> s = new LinkedHashMap<>();
        for (String name : PG_SETTINGS) {
            s.put(name, env.queryString("SHOW " + name));
        }
        return s;
    }

    /** The version in the jar's Maven metadata, "unknown" when the classpath has none. */
    static String mavenVersion(String group, String artifact) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = RunInfo.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Hibernate's own version constant (its jar has no Maven metadata). */
    private static String hibernateVersion() {
        try {
            return (String) Class.forName("org.hibernate.Version").getMethod("getVersionString").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return "unknown";
        }
    }

    /** ", git abc1234" (and ", with uncommitted changes") when run inside a git checkout. */
    static String git() {
        String head = run("git", "rev-parse", "--short", "HEAD");
        if (head.isEmpty()) {
            return "";
        }
        String status = run("git", "status", "--porcelain", "--untracked-files=no");
        return ", git " + head + (status.isEmpty() ? "" : " with uncommitted changes");
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
