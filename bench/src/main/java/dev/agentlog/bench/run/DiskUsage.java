package dev.agentlog.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The disk a run's data takes: topics (their partition directories in the broker's log directory), a directory (the
 * processor's RocksDB state) and a schema's tables. Files count by the blocks they hold ({@code du}), not by their
 * length: the broker preallocates the index files of each active segment (10 MB each, sparse), which a sum of lengths
 * would count as data.
 */
public final class DiskUsage {
    private static final Pattern PARTITION = Pattern.compile("(.+)-(\\d+)");

    private DiskUsage() {}

    /** The broker's log directory of a {@link BenchEnvironment} ({@code EmbeddedKafkaBroker}'s {@code kafka/logs}). */
    public static Path brokerLogDir(BenchEnvironment env) {
        return env.dataDir().resolve("kafka").resolve("logs");
    }

    /** Bytes of the partitions of the topics {@code topic} accepts ({@code <topic>-<n>} directories). */
    public static long topicBytes(Path brokerLogDir, Predicate<String> topic) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> entries = Files.list(brokerLogDir)) {
            entries.filter(Files::isDirectory).forEach(d -> {
                var m = PARTITION.matcher(d.getFileName().toString());
                if (m.matches() && topic.test(m.group(1))) {
                    dirs.add(d);
                }
            });
        }
        return allocatedBytes(dirs);
    }

    /** Bytes of a topic's partitions. */
    public static long topicBytes(Path brokerLogDir, String topic) throws IOException {
        return topicBytes(brokerLogDir, topic::equals);
    }

    /** Bytes of the files under the directories, by the blocks they hold; 0 for none or a missing one. */
    public static long allocatedBytes(List<Path> dirs) throws IOException {
        List<String> command = new ArrayList<>(List.of("du", "-s", "-B1", "--"));
        dirs.stream().filter(Files::exists).forEach(d -> command.add(d.toString()));
        if (command.size() == 4) {
            return 0;
        }
        Process du = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!du.waitFor(60, TimeUnit.SECONDS) || du.exitValue() != 0) {
                throw new IOException("du of " + dirs + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while du measured " + dirs, e);
        }
        long total = 0;
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                total += Long.parseLong(line.split("\\s+")[0]);
            }
        }
        return total;
    }

    /** {@code pg_total_relation_size} (heap, TOAST, indexes) of each table of the schema, in name order. */
    public static Map<String, Long> tableBytes(BenchEnvironment env, String schema) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : Tables.of(env.pool(), schema)) {
            out.put(table, env.queryLong("SELECT pg_total_relation_size('" + schema + "." + table + "')"));
        }
        return out;
    }
}
