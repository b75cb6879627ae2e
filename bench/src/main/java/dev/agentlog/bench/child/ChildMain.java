package dev.agentlog.bench.child;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A contender in a JVM of its own (so that its CPU time and memory are its own): {@code sink} (agentlog's sink
 * workers), {@code connect} (Kafka Connect standalone with the peer's connector) or {@code processor} (agentlog's
 * Kafka Streams processor). Talks to the bench over
 * stdin/stdout, one line each: it writes {@code READY} once started; on {@code stats} it writes {@code STATS} and
 * its figures; on {@code quit} (or end of input) it stops. Logs go to stderr, which the bench sends to a file.
 */
public final class ChildMain {
    private static final Logger log = LoggerFactory.getLogger(ChildMain.class);

    /** What a contender started in this JVM: its threads' names, and how to stop it. */
    interface Contender extends AutoCloseable {
        /** The contender's own worker threads, by name and stack (CPU on those is "worker thread CPU"). */
        BiPredicate<String, StackTraceElement[]> workerThreads();

        @Override
        void close();
    }

    private ChildMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        // everything else a library prints to stdout must not mix with the protocol
        System.setOut(System.err);
        HeapPeak heap = new HeapPeak();
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Contender contender = switch (args[0]) {
            case "sink" -> SinkContender.start(rest);
            case "connect" -> ConnectContender.start(rest);
            case "processor" -> ProcessorContender.start(rest);
            default -> throw new IllegalArgumentException("unknown contender '" + args[0] + "': sink, connect or processor");
        };
        out.println("READY");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("stats")) {
                    out.println("STATS " + stats(heap, contender.workerThreads()));
                }
            }
        }
        log.info("stopping the {} contender", args[0]);
        contender.close();
        out.println("STOPPED");
        System.exit(0);
    }

    /** processCpuNanos workerThreadCpuNanos peakHeapBytes gcCount gcMillis, space-separated. */
    private static String stats(HeapPeak heap, BiPredicate<String, StackTraceElement[]> workerThreads) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long workerCpu = 0;
        for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (workerThreads.test(t.getName(), e.getValue())) {
                long cpu = threads.getThreadCpuTime(t.getId());
                if (cpu > 0) {
                    workerCpu += cpu;
                }
            }
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return os.getProcessCpuTime() + " " + workerCpu + " " + heap.peakBytes() + " " + gcCount + " " + gcMillis;
    }
}
