package dev.agentlog.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the TCP connections opened to a local port while it runs, from Linux's {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6} (polled every 20 ms; the client's end of each established connection, by its address and
 * port): how the bench checks that its clients kept their connections alive, whatever the server and the protocol.
 * A connection that opens and closes between two polls is not seen.
 */
public final class ConnectionWatch implements AutoCloseable {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String ESTABLISHED = "01";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String port;
    private final Set<String> seen = new HashSet<>();
    private final Thread poller;
    private volatile boolean stop;

    private ConnectionWatch(int port) {
        this.port = String.format("%04X", port);
        this.poller = new Thread(this::poll, "bench-connection-watch");
        poller.setDaemon(true);
    }

    /** Starts watching connections to 127.0.0.1:{@code port} (or ::1, or any local address). */
    public static ConnectionWatch start(int port) {
        ConnectionWatch w = new ConnectionWatch(port);
        w.scan();
        w.poller.start();
        return w;
    }

    /**
     * Connections seen so far (open when this started, or opened since), after a look at the tables now: the poller
     * may not have run for a while on a busy machine, and a connection it sees later would count as opened later.
     */
    public int seen() {
        scan();
        synchronized (this) {
            return seen.size();
        }
    }

    private void poll() {
        while (!stop) {
            scan();
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private void scan() {
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                continue; // no IPv6, or no /proc: nothing seen
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String client = clientEnd(line, port);
                if (client != null) {
                    synchronized (this) {
                        seen.add(client);
                    }
                }
            }
        }
    }

    /**
     * The local address and port of a {@code /proc/net/tcp} line when it is the client's end of an established
     * connection to {@code hexPort} (4 upper-case hex digits), else null.
     */
    static String clientEnd(String line, String hexPort) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !f[3].equals(ESTABLISHED)) {
            return null;
        }
        String remote = f[2];
        return remote.endsWith(":" + hexPort) ? f[1] : null;
    }

    @Override
    public void close() {
        stop = true;
        try {
            poller.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
