package dev.agentlog.ingest.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on a slow client: each request on a connection, head and body, must have arrived within
 * {@code --http-request-timeout-ms} of the moment the server was ready for it (the connection opened, or the
 * previous answer was sent). Jetty's idle timeout alone cannot do this: a client sending one byte a second is
 * never idle. While the head is coming, this class closes the connection at the deadline; once the head is in,
 * the handler reads the body against {@link #headArrived the same deadline} and answers 408 when it passes.
 *
 * <p>Registered on the HTTP connection factory, so it sees each HTTP/1.1 connection (over TLS too: there the
 * handshake counts as part of the first request's time). Thread-safe.
 */
public final class RequestDeadlines implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadlines.class);

    private final long timeoutNanos;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;
    private final Runnable onCut;
    private final Map<Connection, Cycle> cycles = new ConcurrentHashMap<>();

    /** One request's time on one connection: when it started, and whether its head has arrived. */
    private static final class Cycle {
        final long startNanos;
        Scheduler.Task cut; // guarded by this
        boolean headIn; // guarded by this

        Cycle(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    /** @param onCut called each time a connection is cut for a late head (for a metric) */
    public RequestDeadlines(long timeoutMs, Scheduler scheduler, LongSupplier nanoClock, Runnable onCut) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
        this.onCut = onCut;
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        Cycle cycle = cycles.remove(connection);
        if (cycle != null) {
            synchronized (cycle) {
                cycle.cut.cancel();
            }
        }
    }

    /**
     * The request's head is in: stops the cut and answers the deadline for its body (a {@link System#nanoTime}
     * value). A connection this class has not seen (none, in practice) gets a full timeout from now.
     */
    public long headArrived(Connection connection) {
        Cycle cycle = cycles.get(connection);
        if (cycle == null) {
            return nanoClock.getAsLong() + timeoutNanos;
        }
        synchronized (cycle) {
            cycle.headIn = true;
            cycle.cut.cancel();
        }
        return cycle.startNanos + timeoutNanos;
    }

    /** The answer is sent: the next request's time starts now. */
    public void requestDone(Connection connection) {
        if (connection.getEndPoint().isOpen() && cycles.containsKey(connection)) {
            arm(connection);
        }
    }

    private void arm(Connection connection) {
        Cycle cycle = new Cycle(nanoClock.getAsLong());
        synchronized (cycle) {
            cycle.cut = scheduler.schedule(() -> cutIfStillWaiting(connection, cycle), timeoutNanos, TimeUnit.NANOSECONDS);
        }
        Cycle previous = cycles.put(connection, cycle);
        if (previous != null) {
            synchronized (previous) {
                previous.cut.cancel();
            }
        }
    }

    private void cutIfStillWaiting(Connection connection, Cycle cycle) {
        synchronized (cycle) {
            if (cycle.headIn || cycles.get(connection) != cycle) {
                return; // its head arrived in time, or a newer request's time runs
            }
        }
        log.debug("ingest: closing {}: no complete request within --http-request-timeout-ms", connection.getEndPoint());
        onCut.run();
        connection.getEndPoint().close();
    }
}
