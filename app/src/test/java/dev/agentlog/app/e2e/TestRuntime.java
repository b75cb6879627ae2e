package dev.agentlog.app.e2e;

import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import dev.agentlog.app.runtime.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One real Kafka broker and one real PostgreSQL for the whole test JVM (the machine has two cores):
 * started on first use, stopped when the JVM exits. Test classes isolate themselves with their own
 * topic prefix and schema.
 */
public final class TestRuntime {
    private static TestRuntime instance;

    public final EmbeddedKafkaBroker broker;
    public volatile LocalPostgres postgres;
    public final Path dataDir;

    private TestRuntime() throws IOException {
        // 0755, not @TempDir's 0700: the fallback PostgreSQL runs as the postgres user when tests run as root.
        dataDir = Files.createTempDirectory("agentlog-test-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0, 0, 3);
        postgres = LocalPostgres.start(dataDir.resolve("postgres"), 0, null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.close();
            broker.close();
            deleteQuietly(dataDir);
        }, "test-runtime-stop"));
    }

    public static synchronized TestRuntime get() {
        if (instance == null) {
            try {
                instance = new TestRuntime();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // Best effort: a temp directory left behind is not a test failure.
        }
    }

    /** Stops PostgreSQL (fast shutdown: sessions are cut) and starts it again on the same port and data. */
    public synchronized void restartPostgres() {
        int port = postgres.port();
        postgres.close();
        postgres = LocalPostgres.start(dataDir.resolve("postgres"), port, null);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
