package dev.agentlog.app.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The cluster id of the embedded broker, generated once and kept in the data directory: a restart must format
 * (a no-op then) with the same id, or Kafka refuses the existing logs.
 */
final class KafkaClusterId {
    static final String FILE_NAME = "cluster.id";

    private KafkaClusterId() {
    }

    /**
     * Reads the id from {@code dataDir/cluster.id}; failing that, from an already formatted metadata directory;
     * failing that, generates a new one. The result is always written back to {@code dataDir/cluster.id}.
     */
    static String readOrCreate(Path dataDir, Path metadataDir) throws IOException {
        return readOrCreate(dataDir, metadataDir, null);
    }

    /**
     * As {@link #readOrCreate(Path, Path)}, for a node of a cluster whose nodes must share {@code given} (null: none
     * given, as for one node): a data directory of another cluster is refused.
     */
    static String readOrCreate(Path dataDir, Path metadataDir, String given) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        String kept = null;
        if (Files.exists(file)) {
            kept = Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        if (kept == null || kept.isEmpty()) {
            kept = fromMetaProperties(metadataDir).orElse(null);
        }
        if (given != null && kept != null && !kept.equals(given)) {
            throw new LocalServiceStartException("the Kafka data directory " + dataDir + " belongs to cluster " + kept
                    + ", not to the cluster id given (" + given + "): give that id, or another data directory");
        }
        String id = kept != null ? kept : given != null ? given : Uuid.randomUuid().toString();
        writeAtomically(file, id);
        return id;
    }

    private static Optional<String> fromMetaProperties(Path metadataDir) throws IOException {
        Path metaProperties = metadataDir.resolve("meta.properties");
        if (!Files.exists(metaProperties)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(metaProperties, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return Optional.ofNullable(properties.getProperty("cluster.id")).filter(id -> !id.isBlank());
    }

    private static void writeAtomically(Path file, String id) throws IOException {
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        Files.writeString(temporary, id + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
