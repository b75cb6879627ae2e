package dev.agentlog.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and memory of processes from Linux's {@code /proc}: how the bench charges each contender (its own JVM)
 * and PostgreSQL (the postmaster and its backends) without instrumenting them.
 */
public final class ProcStat {
    /** USER_HZ: the unit of the times in /proc/PID/stat; 100 on every Linux this runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcStat() {}

    /** User + system CPU of the process (its threads), in nanoseconds; -1 when it is gone. */
    public static long cpuNanos(long pid) {
        long[] f = fields(pid);
        return f == null ? -1 : (f[0] + f[1]) * NANOS_PER_TICK;
    }

    /**
     * CPU of PostgreSQL: the postmaster's own and that of its children that already exited (cutime, cstime), plus
     * each live child's (backends, WAL writer, checkpointer, ...).
     */
    public static long postgresCpuNanos(long postmasterPid) {
        long[] p = fields(postmasterPid);
        if (p == null) {
            return -1;
        }
        long ticks = p[0] + p[1] + p[2] + p[3];
        for (long child : children(postmasterPid)) {
            long[] c = fields(child);
            if (c != null) {
                ticks += c[0] + c[1];
            }
        }
        return ticks * NANOS_PER_TICK;
    }

    /**
     * The machine's CPU time so far from {@code /proc/stat}, in ticks: {busy, total} summed over all cores (busy: user,
     * nice, system, irq, softirq, steal; total adds idle and iowait). {0, 0} when unknown.
     */
    public static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new long[] {busy, busy + idle + iowait};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * Connections the kernel dropped because a listening socket's accept queue was full ({@code TcpExt ListenDrops} of
     * {@code /proc/net/netstat}), machine-wide (every process of this network namespace) so far; -1 when unknown. A
     * dropped connection's client tries again after a second.
     */
    public static long listenDrops() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    String[] names = lines.get(i).trim().split("\\s+");
                    String[] values = lines.get(i + 1).trim().split("\\s+");
                    for (int j = 1; j < Math.min(names.length, values.length); j++) {
                        if (names[j].equals("ListenDrops")) {
                            return Long.parseLong(values[j]);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The peak resident set size (VmHWM) in bytes, -1 when unknown. */
    public static long peakRssBytes(long pid) {
        return statusKiB(pid, "VmHWM:") * 1024;
    }

    /** The pid written in the first line of {@code postmaster.pid} of a PostgreSQL data directory. */
    public static long postmasterPid(Path dataDirectory) {
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the postmaster pid from " + dataDirectory.resolve("postmaster.pid")
                    + ": " + e + " (is PostgreSQL running on that data directory?)", e);
        }
    }

    private static long statusKiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** utime, stime, cutime, cstime in ticks; null when the process is gone. */
    private static long[] fields(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return null;
        }
        // the command name (field 2) may hold spaces and parentheses: count from the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    }

    private static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                Path file = task.resolve("children");
                if (Files.exists(file)) {
                    for (String child : Files.readString(file).trim().split("\\s+")) {
                        if (!child.isEmpty()) {
                            out.add(Long.parseLong(child));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/PID/task/TID/children on this kernel: count the postmaster only
        }
        return out;
    }
}
