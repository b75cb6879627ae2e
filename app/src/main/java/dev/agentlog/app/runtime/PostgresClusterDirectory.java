package dev.agentlog.app.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a PostgreSQL data directory already holds: the cluster's major version and which binaries last ran it
 * (recorded by us in a small file next to PostgreSQL's own).
 */
final class PostgresClusterDirectory {
    static final String SOURCE_FILE = "agentlog-postgres-source";

    private PostgresClusterDirectory() {
    }

    /** Which binaries run a cluster: the ones bundled with agentlog (zonky), or the machine's own. */
    enum Source {
        BUNDLED, MACHINE
    }

    static boolean holdsCluster(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve("PG_VERSION"));
    }

    /** The major version in {@code PG_VERSION}, or empty when the directory holds no cluster yet. */
    static OptionalInt majorVersion(Path dataDir) throws IOException {
        if (!holdsCluster(dataDir)) {
            return OptionalInt.empty();
        }
        String text = Files.readString(dataDir.resolve("PG_VERSION"), StandardCharsets.US_ASCII).strip();
        try {
            return OptionalInt.of(Integer.parseInt(text.contains(".") ? text.substring(0, text.indexOf('.')) : text));
        } catch (NumberFormatException e) {
            throw new IOException("unreadable PG_VERSION in " + dataDir + ": '" + text + "'", e);
        }
    }

    static Optional<Source> recordedSource(Path dataDir) throws IOException {
        Path file = dataDir.resolve(SOURCE_FILE);
        if (!holdsCluster(dataDir) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return Optional.of(Source.valueOf(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The server still running on this directory, per {@code postmaster.pid}, if its process is alive: e.g. one
     * left behind by a JVM that was killed before it could stop it. A stale file of a dead process is ignored
     * (PostgreSQL removes it itself).
     */
    static Optional<String> runningPostmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            long pid = Long.parseLong(lines.get(0).strip());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                String port = lines.size() > 3 ? lines.get(3).strip() : "?";
                return Optional.of("pid " + pid + ", port " + port);
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // No file, or one being written: nothing to report.
            return Optional.empty();
        }
    }

    static void recordSource(Path dataDir, Source source) throws IOException {
        Files.writeString(dataDir.resolve(SOURCE_FILE), source.name() + "\n", StandardCharsets.US_ASCII);
    }
}
