package dev.agentlog.bench.run;

import dev.agentlog.bench.child.ChildJvm;
import dev.agentlog.bench.measure.ProcStat;
import java.time.Duration;
import java.time.Instant;

/**
 * The measured window of a contender: from the first observation of a row written to the observation that all are,
 * with the CPU counters read at both ends. Observations are cheap queries polled every {@link #POLL}.
 */
final class Window {
    static final Duration POLL = Duration.ofMillis(50);

    /** The counters at one end of the window. */
    record Mark(long nanos, Instant at, long childCpuNanos, ChildJvm.Stats childStats, long postgresCpuNanos,
            long benchCpuNanos, long[] machineTicks) {}

    /** What to observe. */
    interface Observation {
        /** Work visible now, in units of {@code total}; may be a lower bound until the end. */
        long done() throws Exception;

        /** True when all the work is visible (checked by counting). */
        boolean complete(long done) throws Exception;

        /** Why the contender cannot finish (it said so in its log), or null. */
        default String failure() throws Exception {
            return null;
        }
    }

    /** Where the steady part of the window starts: a third of the work done (the JIT's work is mostly behind). */
    static final double STEADY_FROM = 1.0 / 3;

    Mark first;
    Mark steady;
    Mark last;
    long doneAtFirst;
    long doneAtSteady;
    long total;

    static Window observe(Observation observation, long total, ChildJvm child, BenchEnvironment env, Progress progress,
            Duration timeout) throws Exception {
        Window w = new Window();
        w.total = total;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long done = observation.done();
            if (w.first == null && done > 0) {
                w.first = mark(child, env);
                w.doneAtFirst = done;
            }
            if (w.first != null && w.steady == null && done >= total * STEADY_FROM) {
                w.steady = mark(child, env);
                w.doneAtSteady = done;
            }
            if (w.first != null && done >= total && observation.complete(done)) {
                w.last = mark(child, env);
                if (w.steady == null) {
                    w.steady = w.first;
                    w.doneAtSteady = w.doneAtFirst;
                }
                return w;
            }
            String failure = observation.failure();
            if (failure != null) {
                throw new IllegalStateException("the contender gave up (" + done + " of " + total + " done): " + failure);
            }
            if (child != null && !child.isAlive()) {
                throw new IllegalStateException("the " + child.name() + " JVM stopped before it was through ("
                        + done + " of " + total + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not through after " + timeout.toSeconds() + " s: " + done + " of " + total);
            }
            progress.update(done);
            Thread.sleep(POLL.toMillis()); // poll interval of a bounded wait on a condition
        }
    }

    private static Mark mark(ChildJvm child, BenchEnvironment env) throws Exception {
        long nanos = System.nanoTime();
        Instant at = Instant.now();
        long pg = env.postgresCpuNanos();
        long bench = ProcStat.cpuNanos(ProcessHandle.current().pid());
        long[] machine = ProcStat.machineTicks();
        if (child == null) {
            return new Mark(nanos, at, -1, null, pg, bench, machine);
        }
        return new Mark(nanos, at, child.cpuNanos(), child.stats(), pg, bench, machine);
    }

    double seconds() {
        return (last.nanos() - first.nanos()) / 1e9;
    }

    long childCpuNanos() {
        return last.childCpuNanos() < 0 ? -1 : last.childCpuNanos() - first.childCpuNanos();
    }

    long gcCount() {
        return last.childStats() == null ? -1 : last.childStats().gcCount() - first.childStats().gcCount();
    }

    long gcMillis() {
        return last.childStats() == null ? -1 : last.childStats().gcMillis() - first.childStats().gcMillis();
    }

    long workerThreadCpuNanos() {
        return last.childStats() == null ? -1
                : last.childStats().workerThreadCpuNanos() - first.childStats().workerThreadCpuNanos();
    }

    /** The steady part: its share of the work, its JVM CPU, its worker threads' CPU (-1: n/a). */
    ThroughputResult.Steady steadyPart() {
        double share = total <= 0 ? Double.NaN : (double) (total - doneAtSteady) / total;
        long cpu = last.childCpuNanos() < 0 ? -1 : last.childCpuNanos() - steady.childCpuNanos();
        long workers = last.childStats() == null ? -1
                : last.childStats().workerThreadCpuNanos() - steady.childStats().workerThreadCpuNanos();
        return new ThroughputResult.Steady(share, cpu, workers);
    }

    /** CPU of the bench's own JVM: the embedded Kafka broker, mostly. */
    long benchCpuNanos() {
        return last.benchCpuNanos() - first.benchCpuNanos();
    }

    /** How busy the whole machine was over the window (every process, the other engineers' too), 0..1. */
    double machineBusy() {
        long total = last.machineTicks()[1] - first.machineTicks()[1];
        return total <= 0 ? Double.NaN : (double) (last.machineTicks()[0] - first.machineTicks()[0]) / total;
    }

    long postgresCpuNanos() {
        return last.postgresCpuNanos() - first.postgresCpuNanos();
    }
}
