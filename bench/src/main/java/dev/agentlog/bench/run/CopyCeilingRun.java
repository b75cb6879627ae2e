package dev.agentlog.bench.run;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The ceiling: PostgreSQL's binary COPY of exactly the rows agentlog's sink left (every table it writes, read back
 * from its schema into files first, not timed), into a fresh schema of the same shape (the same migrations: the same
 * keys and indexes), table after table on one connection, each COPY its own transaction.
 */
public final class CopyCeilingRun {
    private CopyCeilingRun() {}

    public static ThroughputResult run(BenchEnvironment env, String fromSchema, String toSchema) throws Exception {
        Path dump = env.workDir("copy-" + toSchema);
        List<String> tables = Tables.of(env.pool(), fromSchema);
        try (Connection c = env.pool().getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : tables) {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dump.resolve(table + ".bin")), 1 << 20)) {
                    copy.copyOut("COPY " + fromSchema + "." + table + " TO STDOUT (FORMAT binary)", out);
                }
            }
        }
        env.freshSchema(toSchema);
        env.checkpoint();
        Map<String, Long> rows = new LinkedHashMap<>();
        long total = 0;
        Progress progress = new Progress("COPY ceiling", tables.size(), "tables");
        long pg0 = env.postgresCpuNanos();
        long[] machine0 = dev.agentlog.bench.measure.ProcStat.machineTicks();
        long t0 = System.nanoTime();
        java.time.Instant started = java.time.Instant.now();
        try (Connection c = env.pool().getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            int done = 0;
            for (String table : tables) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(dump.resolve(table + ".bin")), 1 << 20)) {
                    long n = copy.copyIn("COPY " + toSchema + "." + table + " FROM STDIN (FORMAT binary)", in);
                    rows.put(table, n);
                    total += n;
                }
                progress.update(++done, table);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        java.time.Instant ended = java.time.Instant.now();
        long pg = env.postgresCpuNanos() - pg0;
        long[] machine1 = dev.agentlog.bench.measure.ProcStat.machineTicks();
        double busy = machine1[1] == machine0[1] ? Double.NaN
                : (double) (machine1[0] - machine0[0]) / (machine1[1] - machine0[1]);
        ThroughputResult result = new ThroughputResult("COPY (ceiling)",
                "binary COPY, one connection, table after table", 0, rows.getOrDefault("messages", 0L), total, rows, seconds, 0, -1, -1, pg,
                -1, -1, -1, "", Tables.messagesDigest(env.pool(), toSchema), null, started, ended, busy, -1, -1,
                ThroughputResult.Steady.NONE);
        progress.done(String.format(Locale.ROOT, "%,d rows in %.1f s: %,.0f rows/s", total, seconds, result.rowsPerSecond()));
        for (String table : tables) {
            Files.deleteIfExists(dump.resolve(table + ".bin"));
        }
        return result;
    }
}
