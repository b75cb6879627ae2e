package dev.agentlog.bench.chaos;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.run.Percentiles;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** docs/reliability.md from a chaos run: its faults, what arrived, how long recovery took, the latency meanwhile. */
final class ReliabilityReport {
    private ReliabilityReport() {}

    static String markdown(ChaosRun.Result result, Duration length, int eventsPerSecond, String command,
            Machine machine, String loadBefore, String loadAfter, Instant date) {
        StringBuilder md = new StringBuilder();
        ChaosCheck check = result.check();
        md.append("# Reliability: the chaos run\n\n");
        md.append("(Written by `agentlog-bench chaos`, issue 16. Not run in CI.)\n\n");
        md.append("A steady load through ingest while a schedule kills and restarts brokers of a three-node KRaft cluster"
                + " (the active controller included), processor instances, sink workers and PostgreSQL, and cuts hosts"
                + " off the network; at the end, every acknowledged event must be in the log of record once and in"
                + " PostgreSQL once, every projection must equal the fold of the log, and the dead-letter topic must be"
                + " empty (the workload has no bad events).\n\n");
        md.append("## The run\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| command | `").append(command).append("` |\n");
        md.append("| date | ").append(date.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" |\n");
        md.append("| machine | ").append(machine.cores()).append(" cores (").append(machine.cpuModel()).append("), ")
                .append(machine.memoryBytes() / (1024 * 1024 * 1024)).append(" GiB, ").append(machine.kernel())
                .append(", ").append(machine.java()).append(" |\n");
        md.append("| load average (1, 5, 15 min) before, after | ").append(loadBefore).append("; ").append(loadAfter)
                .append(" (the machine is shared with other work) |\n");
        md.append("| length of the fault schedule | ").append(length.toMinutes()).append(" min")
                .append(length.toMinutes() < 20 ? " (shortened from the default 20 min: the machine is shared)" : "")
                .append(" |\n");
        md.append("| offered load | ").append(eventsPerSecond).append(" events/s, Letta-like events of 200 agents,"
                + " posted every 100 ms by one client that sends a request again until it is acknowledged |\n");
        md.append("| cluster | 3 `agentlog broker` nodes (broker and controller each), topics of 6 partitions with 3"
                + " replicas and min.insync.replicas=2; one `agentlog ingest`; on each of 2 hosts an `agentlog"
                + " processor` (replication factor 3) and an `agentlog sink`; a local PostgreSQL; every part a process"
                + " of its own |\n");
        md.append("| hosts | ").append(result.namespaces()
                ? "network namespaces joined by veth links to a bridge on a private 10.213.x.0/24 (`NetworkHosts`);"
                        + " brokers and PostgreSQL listen on the bridge's address"
                : "none (not root, or no `ip netns`): everything on loopback, no host cut off").append(" |\n\n");

        md.append("## What arrived\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| events acknowledged (HTTP 202) | ").append(check.acknowledged()).append(" |\n");
        md.append("| lost: acknowledged, not in the log of record | ").append(check.lostFromLog()).append(" |\n");
        md.append("| doubled: in the log of record more than once | ").append(check.doubledInLog()).append(" |\n");
        md.append("| lost: acknowledged, not in PostgreSQL's `events` | ").append(check.lostFromPostgres())
                .append(" |\n");
        md.append("| log of record; `events` rows; distinct event ids in `events` | ").append(check.inLog())
                .append("; ").append(check.rowsInEvents()).append("; ").append(check.distinctInEvents())
                .append(" |\n");
        md.append("| projections equal the fold of the log | ").append(check.projectionDifferences().isEmpty() ? "yes"
                : "NO: " + String.join("; ", check.projectionDifferences())).append(" |\n");
        md.append("| dead letters | ").append(check.deadLetters())
                .append(check.deadLetterReasons().isEmpty() ? "" : " (" + String.join("; ",
                        check.deadLetterReasons()) + ")").append(" |\n");
        md.append("| verdict | ").append(check.passed() ? "passed" : "FAILED").append(" |\n\n");

        md.append("## Faults\n\n");
        md.append("Time to recover: from the injection until the events acknowledged last before the repair are all in"
                + " PostgreSQL (the pipeline whole again and caught up with that moment); after the repair: the same,"
                + " from the restart or the link coming back. A killed part stays down ")
                .append(ChaosRun.DOWN.toSeconds()).append(" s, a host is cut off for ")
                .append(ChaosRun.CUT_OFF.toSeconds()).append(" s.\n\n");
        md.append("| fault | injected | recovered | longest time to recover | longest after the repair |\n");
        md.append("|---|---|---|---|---|\n");
        for (Fault.Kind kind : Fault.Kind.values()) {
            List<Fault> of = result.faults().stream().filter(f -> f.kind() == kind).toList();
            if (of.isEmpty()) {
                continue;
            }
            long recovered = of.stream().filter(Fault::hasRecovered).count();
            double longest = of.stream().filter(Fault::hasRecovered).mapToDouble(Fault::recoverySeconds).max()
                    .orElse(Double.NaN);
            double longestAfter = of.stream().filter(Fault::hasRecovered).mapToDouble(Fault::catchUpSeconds).max()
                    .orElse(Double.NaN);
            md.append("| ").append(kind.description).append(" | ").append(of.size()).append(" | ").append(recovered)
                    .append(" | ").append(seconds(longest)).append(" | ").append(seconds(longestAfter)).append(" |\n");
        }
        md.append("\nEach fault:\n\n| at | fault | target | recovered after |\n|---|---|---|---|\n");
        for (Fault f : result.faults()) {
            md.append("| ").append(seconds((f.injected() - result.started()) / 1e9)).append(" | ").append(f.kind())
                    .append(" | ").append(f.target()).append(" | ")
                    .append(f.hasRecovered() ? seconds(f.recoverySeconds()) : "not within "
                            + ChaosRun.RECOVERY_BOUND.toMinutes() + " min").append(" |\n");
        }

        md.append("\n## Latency\n\nFrom when a request's events were due to its 202 (a request sent again after a 503"
                + " or a failure counts from the first try; waiting behind it counts too). \"During a fault\": due"
                + " between a fault's injection and its recovery. A fault's effects may outlast that window (a restarted broker"
                + " takes its partitions' leadership back later; the rebalance when a restarted processor or sink worker"
                + " rejoins): they count as \"no fault\".\n\n");
        md.append("| | requests | p50 | p99 | max | sent more than once |\n|---|---|---|---|---|---|\n");
        List<ChaosLoad.Ack> acks = result.acks().stream().filter(a -> a.dueNanos() >= result.started()
                && a.dueNanos() <= result.ended()).toList();
        latencyRow(md, "during a fault", acks.stream().filter(a -> duringFault(a, result.faults())).toList());
        latencyRow(md, "no fault", acks.stream().filter(a -> !duringFault(a, result.faults())).toList());
        latencyRow(md, "all", acks);
        md.append("\n## Not in this run\n\n");
        md.append("- cdc: the run's load enters through ingest only. Capturing a Letta database needs a source database"
                + " written to at the same time and a slot that survives the source's PostgreSQL being killed; cdc's"
                + " waiting out of a Kafka outage is covered by its own tests (docs/retries.md, docs/cdc.md).\n");
        md.append("- ingest is not killed: a client's retries make that a 503 or a refused connection, which the other"
                + " faults already produce; the acknowledged events are what is checked.\n");
        return md.toString();
    }

    private static boolean duringFault(ChaosLoad.Ack ack, List<Fault> faults) {
        for (Fault f : faults) {
            long end = f.hasRecovered() ? f.recovered() : f.repaired() + ChaosRun.RECOVERY_BOUND.toNanos();
            if (ack.dueNanos() >= f.injected() && ack.dueNanos() <= end) {
                return true;
            }
        }
        return false;
    }

    private static void latencyRow(StringBuilder md, String name, List<ChaosLoad.Ack> acks) {
        long[] sorted = acks.stream().mapToLong(a -> a.ackNanos() - a.dueNanos()).sorted().toArray();
        long retried = acks.stream().filter(a -> a.attempts() > 1).count();
        md.append("| ").append(name).append(" | ").append(sorted.length).append(" | ")
                .append(sorted.length == 0 ? "-" : ms(Percentiles.millis(sorted, 0.50))).append(" | ")
                .append(sorted.length == 0 ? "-" : ms(Percentiles.millis(sorted, 0.99))).append(" | ")
                .append(sorted.length == 0 ? "-" : ms(Percentiles.max(sorted))).append(" | ").append(retried)
                .append(" |\n");
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f s", s);
    }
}
