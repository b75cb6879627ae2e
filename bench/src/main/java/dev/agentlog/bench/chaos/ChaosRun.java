package dev.agentlog.bench.chaos;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The chaos run: a steady load through ingest for a fixed time while a schedule injects one fault after another
 * (every kind in turn, the targets alternating), each kept for a while and then repaired; afterwards the load stops,
 * the pipeline drains, and {@link ChaosCheck} says what arrived.
 */
final class ChaosRun {
    /** How long a killed part stays down, and a host cut off (longer than the sessions' timeouts: it loses its work). */
    static final Duration DOWN = Duration.ofSeconds(10);
    static final Duration CUT_OFF = Duration.ofSeconds(30);
    static final Duration RECOVERY_BOUND = Duration.ofMinutes(5);
    static final Duration SLOT_AT_LEAST = Duration.ofSeconds(45);

    record Result(List<Fault> faults, List<ChaosLoad.Ack> acks, ChaosCheck check, long started, long ended,
            boolean namespaces) {}

    private ChaosRun() {}

    static Result run(Path dir, Duration length, int eventsPerSecond, long seed, boolean namespaces, PrintStream out)
            throws Exception {
        try (ChaosCluster cluster = ChaosCluster.start(dir, namespaces);
             ShutdownHook stopOnSignal = new ShutdownHook(cluster)) {
            out.println("cluster up: brokers " + cluster.bootstrapServers() + ", PostgreSQL " + cluster.pgUrl()
                    + (namespaces ? ", processor and sink on hosts " + cluster.hosts.address(0) + " and "
                    + cluster.hosts.address(1) : ", all on loopback (no network namespaces: no host cut off)"));
            try (HikariDataSource pool = Database.pool(cluster.postgres.jdbcUrl(), "postgres", "", 2, "chaos-check")) {
                ChaosLoad load = new ChaosLoad(cluster.ingestPort, ChaosCluster.API_KEY, eventsPerSecond, seed);
                Thread loading = new Thread(load, "chaos-load");
                loading.start();
                Waits.until("the first events acknowledged", Duration.ofMinutes(5), () -> !load.acknowledged().isEmpty());
                List<String> first = load.lastAcknowledged(20);
                Waits.until("the first events through the whole pipeline", Duration.ofMinutes(5),
                        () -> allApplied(pool, first));
                long started = System.nanoTime();
                out.println("load of " + eventsPerSecond + " events/s flowing; faults for " + length.toMinutes()
                        + " min");
                List<Fault.Kind> kinds = new ArrayList<>(List.of(Fault.Kind.values()));
                if (!namespaces) {
                    kinds.remove(Fault.Kind.HOST_CUT);
                }
                int count = (int) Math.max(kinds.size(), length.toSeconds() / SLOT_AT_LEAST.toSeconds());
                long slot = length.toNanos() / count;
                List<Fault> faults = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    pauseUntil(started + i * slot);
                    Fault fault = inject(cluster, kinds.get(i % kinds.size()), i / kinds.size(), load, pool);
                    faults.add(fault);
                    out.printf("%s %s: recovered %s%n", fault.kind(), fault.target(), fault.hasRecovered()
                            ? String.format("%.1f s after the injection", fault.recoverySeconds()) : "NOT within bound");
                }
                pauseUntil(started + length.toNanos());
                load.stop();
                loading.join();
                long ended = System.nanoTime();
                Set<String> acknowledged = load.acknowledged();
                out.println(acknowledged.size() + " events acknowledged; draining");
                Waits.until("every acknowledged event in PostgreSQL", Duration.ofMinutes(10),
                        () -> countEvents(pool) >= acknowledged.size());
                ChaosCheck check = ChaosCheck.of(cluster.bootstrapServers(), acknowledged, pool);
                return new Result(faults, load.acks(), check, started, ended, namespaces);
            }
        }
    }

    private static Fault inject(ChaosCluster cluster, Fault.Kind kind, int round, ChaosLoad load,
            HikariDataSource pool) throws Exception {
        long injected = System.nanoTime();
        String target;
        Duration down = DOWN;
        Runnable repair;
        switch (kind) {
            case BROKER, CONTROLLER -> {
                int controller = cluster.activeController();
                int node = kind == Fault.Kind.CONTROLLER ? controller : otherThan(controller, round);
                Part broker = cluster.brokers.get(node - 1);
                target = broker.name + (kind == Fault.Kind.CONTROLLER ? " (active controller)" : "");
                injected = System.nanoTime();
                broker.kill();
                repair = () -> start(broker);
            }
            case PROCESSOR -> {
                Part processor = cluster.processors.get(round % cluster.processors.size());
                target = processor.name;
                processor.kill();
                repair = () -> start(processor);
            }
            case SINK -> {
                Part sink = cluster.sinks.get(round % cluster.sinks.size());
                target = sink.name;
                sink.kill();
                repair = () -> start(sink);
            }
            case POSTGRES -> {
                target = "postmaster";
                cluster.killPostgres();
                repair = () -> {
                    try {
                        cluster.restartPostgres();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
            }
            case HOST_CUT -> {
                int host = round % cluster.hosts.hosts();
                target = "host " + cluster.hosts.address(host) + " (processor-" + host + ", sink-" + host + ")";
                cluster.hosts.cutOff(host);
                down = CUT_OFF;
                repair = () -> {
                    try {
                        cluster.hosts.reconnect(host);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                };
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        pauseUntil(injected + down.toNanos());
        List<String> beforeRepair = load.lastAcknowledged(50);
        repair.run();
        long repaired = System.nanoTime();
        long recovered = 0;
        try {
            Waits.until("recovery from " + kind, RECOVERY_BOUND, () -> allApplied(pool, beforeRepair));
            recovered = System.nanoTime();
        } catch (IllegalStateException notInTime) {
            // recorded as not recovered within the bound; the run goes on
        }
        return new Fault(kind, target, injected, repaired, recovered);
    }

    /** Stops every part (and deletes the hosts) when the run is interrupted (Ctrl-C, SIGTERM), not only at its end. */
    private static final class ShutdownHook implements AutoCloseable {
        private final Thread hook;

        ShutdownHook(ChaosCluster cluster) {
            hook = new Thread(() -> {
                try {
                    cluster.close();
                } catch (Exception e) {
                    System.err.println("could not stop every part of the chaos run: " + e);
                }
            }, "chaos-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran
            }
        }
    }

    private static int otherThan(int controller, int round) {
        int[] others = controller == 1 ? new int[] {2, 3} : controller == 2 ? new int[] {1, 3} : new int[] {1, 2};
        return others[round % 2];
    }

    private static void start(Part part) {
        try {
            part.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not start " + part.name + " again", e);
        }
    }

    private static boolean allApplied(HikariDataSource pool, List<String> eventIds) throws Exception {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("select count(*) from " + ChaosCluster.NAME
                     + ".events where event_id = any(?)")) {
            s.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) == eventIds.size();
            }
        }
    }

    private static long countEvents(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + ChaosCluster.NAME + ".events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void pauseUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the schedule's clock, not synchronization
        }
    }
}
